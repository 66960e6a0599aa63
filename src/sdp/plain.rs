//! The SDP nearly every peer sends, read without a general SDP model: one
//! pass over the lines, nothing copied. It takes only the plain shape —
//! `v o s [c] t a*` then `m [c] a*` sections — and checks each value as the
//! `sdp` crate would; anything else (other line types, another order, a
//! port range, a value it would refuse) returns `None` and goes through the
//! crate. The crate's parser cost ~6 % of a bridged call's CPU. Text that
//! is not all ASCII goes to the crate too, so that the reader can split
//! and trim by byte: on ASCII, the white space the crate's `str` methods
//! see is exactly `text::is_space`'s.

use super::text::{cut, pieces, trim, words};
use super::wire::{Formats, Parts};

const MEDIA: [&str; 6] = ["audio", "video", "text", "application", "message", "image"];
const PROTOS: [&str; 10] = [
    "UDP", "RTP", "AVP", "SAVP", "SAVPF", "TLS", "DTLS", "SCTP", "AVPF", "udptl",
];

/// `a=key[:value]` as the crate splits it.
fn attribute(value: &str) -> (&str, Option<&str>) {
    match cut(value, b':') {
        Some((k, v)) => (k, Some(v)),
        None => (value, None),
    }
}

/// `IN IP4|IP6 [addr]` with the crate's checks; the address if any.
fn connection(value: &str) -> Option<Option<&str>> {
    let mut f = words(value);
    let (net, kind, addr) = (f.next()?, f.next()?, f.next());
    (net == "IN" && (kind == "IP4" || kind == "IP6")).then_some(addr)
}

/// `o=` fields: session id and version.
fn origin(value: &str) -> Option<(u64, u64)> {
    let f: [&str; 6] = fields(value)?;
    (f[3] == "IN" && (f[4] == "IP4" || f[4] == "IP6")).then_some(())?;
    Some((f[1].parse().ok()?, f[2].parse().ok()?))
}

/// Exactly `N` white-space separated fields.
fn fields<const N: usize>(value: &str) -> Option<[&str; N]> {
    let mut it = words(value);
    let out = std::array::from_fn(|_| it.next().unwrap_or(""));
    (it.next().is_none() && out.iter().all(|f| !f.is_empty())).then_some(out)
}

/// `t=start stop`, both numbers.
fn timing(value: &str) -> Option<()> {
    let [start, stop] = fields::<2>(value)?;
    (start.parse::<u64>().is_ok() && stop.parse::<u64>().is_ok()).then_some(())
}

/// `m=` with the crate's checks: (media, port, protocol, formats).
fn media(value: &str) -> Option<(&str, u16, &str, Formats<'_>)> {
    let mut f = words(value);
    let (kind, port, proto) = (f.next()?, f.next()?, f.next()?);
    let formats: Formats = f.collect();
    let ok = MEDIA.contains(&kind) && !formats.is_empty() && pieces(proto, b'/').all(|p| PROTOS.contains(&p));
    // A port range ("49170/2") goes through the crate.
    ok.then_some((kind, port.parse().ok()?, proto, formats))
}

/// [`parts_into`] returning the parts (the tests' form).
#[cfg(test)]
pub(super) fn parts(text: &str) -> Option<Parts<'_>> {
    let mut p = Parts::default();
    parts_into(text, &mut p).map(|()| p)
}

/// The parts of the first audio stream in a protocol we speak and the
/// other m-lines, written into `p` (a fresh one: no copy of its inline
/// lists on the way back), or `None` when the text is not of the plain
/// shape or has no such stream (the crate then decides).
pub(super) fn parts_into<'a>(text: &'a str, p: &mut Parts<'a>) -> Option<()> {
    if !text.is_ascii() {
        return None;
    }
    // The crate skips CRs and empty lines before a type; a value it trims.
    let mut lines = pieces(text, b'\n')
        .map(|l| l.trim_matches('\r'))
        .filter(|l| !l.is_empty());
    if lines.next()? != "v=0" {
        return None;
    }
    let (mut session_c, mut audio_c) = (None, None);
    // Rank of the last line: `v o s c t a` 0-5 (session), `m c a` 10-12.
    let (mut at, mut audio, mut seen_audio, mut index) = (0u8, false, false, 0);
    for line in lines {
        let (kind, value) = match line.as_bytes() {
            [k, b'=', ..] => (*k, trim(&line[2..])),
            _ => return None,
        };
        let rank = match kind {
            b'o' => 1,
            b's' => 2,
            b'c' if at < 10 => 3,
            b't' => 4,
            b'a' if at < 10 => 5,
            b'm' => 10,
            b'c' => 11,
            b'a' => 12,
            _ => return None,
        };
        let follows = matches!(
            (at, rank),
            (0, 1) | (1, 2) | (2, 3 | 4) | (3, 4) | (4, 5 | 10) | (5, 5 | 10) | (10, 10..=12) | (11 | 12, 10 | 12)
        );
        if !follows {
            return None;
        }
        at = rank;
        match kind {
            b'o' => (p.session_id, p.version) = origin(value)?,
            b't' => timing(value)?,
            b'c' if rank == 3 => session_c = connection(value)?,
            b'c' => {
                let c = connection(value)?;
                if audio {
                    audio_c = c;
                }
            }
            b'a' if rank == 5 => p.session.push(attribute(value)),
            b'a' if audio => p.media.push(attribute(value)),
            b'm' => {
                let (kind, port, proto, formats) = media(value)?;
                audio = kind == "audio" && !seen_audio && super::Proto::from_name(proto).is_some();
                if audio {
                    (seen_audio, p.port, p.proto, p.formats) = (true, port, proto, formats);
                } else {
                    p.others.push((index, kind, proto, formats[0]));
                }
                index += 1;
            }
            _ => {}
        }
    }
    seen_audio.then_some(())?;
    p.addr = audio_c.or(session_c);
    Some(())
}
