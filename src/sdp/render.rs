//! [`Sdp`] -> text, written directly: the shapes we send need no general
//! SDP model, and building one cost ~5 % of a bridged call's CPU.

use super::{MediaSdp, Sdp};

/// Renders SDP text (written directly: the one shape we send needs no
/// general SDP model, and building one cost ~5 % of a bridged call's CPU).
pub fn render(sdp: &Sdp) -> String {
    use crate::sip::{push_ip, push_u64};
    let a = &sdp.audio;
    let kind = if a.addr.is_ipv4() { "IP4" } else { "IP6" };
    let mut out = String::with_capacity(256);
    out.push_str("v=0\r\no=rvoip ");
    push_u64(&mut out, sdp.session_id);
    out.push(' ');
    push_u64(&mut out, sdp.version);
    // The address written where it goes, twice: no string of its own.
    for (before, after) in [(" IN ", "\r\ns=rvoip\r\n"), ("c=IN ", "\r\nt=0 0\r\n")] {
        for part in [before, kind, " "] {
            out.push_str(part);
        }
        push_ip(&mut out, a.addr);
        out.push_str(after);
    }
    let mut rejected = sdp.rejected.iter().peekable();
    for at in 0..=sdp.rejected.len() {
        match rejected.next_if(|r| r.at == at) {
            Some(r) => {
                for part in ["m=", &r.media, " 0 ", &r.proto, " ", &r.format, "\r\n"] {
                    out.push_str(part);
                }
            }
            None => render_audio(&mut out, a),
        }
    }
    out
}

/// The audio stream's m-line and attributes.
fn render_audio(out: &mut String, a: &MediaSdp) {
    use crate::sip::push_u64;
    out.push_str("m=audio ");
    push_u64(out, u64::from(a.port));
    out.push(' ');
    out.push_str(a.proto.name());
    for c in &a.codecs {
        out.push(' ');
        push_u64(out, u64::from(c.pt));
    }
    out.push_str("\r\n");
    for c in &a.codecs {
        out.push_str("a=rtpmap:");
        push_u64(out, u64::from(c.pt));
        out.push(' ');
        out.push_str(&c.name);
        out.push('/');
        push_u64(out, u64::from(c.rate));
        if let Some(ch) = c.channels {
            out.push('/');
            push_u64(out, u64::from(ch));
        }
        out.push_str("\r\n");
        if !c.fmtp.is_empty() {
            out.push_str("a=fmtp:");
            push_u64(out, u64::from(c.pt));
            out.push(' ');
            out.push_str(&c.fmtp);
            out.push_str("\r\n");
        }
    }
    if let Some(p) = a.ptime {
        out.push_str("a=ptime:");
        push_u64(out, u64::from(p));
        out.push_str("\r\n");
    }
    if a.rtcp_mux {
        out.push_str("a=rtcp-mux\r\n");
    }
    out.push_str("a=");
    out.push_str(a.direction.attr());
    out.push_str("\r\n");
    for c in &a.crypto {
        out.push_str("a=crypto:");
        out.push_str(&c.render());
        out.push_str("\r\n");
    }
}
