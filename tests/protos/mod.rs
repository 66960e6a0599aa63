//! The PROTOS c07-sip test cases (tests/corpus/protos-c07-sip), read
//! from their archive, and their placeholders filled as the suite's
//! README describes.

#![allow(dead_code)]

use std::io::Read;
use std::net::SocketAddr;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// The PROTOS cases: (number, first PDU with placeholders).
pub fn cases() -> Vec<(usize, Vec<u8>)> {
    let gz = std::fs::File::open(format!("{CORPUS}/protos-c07-sip/testcases.tar.gz")).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(gz));
    let mut cases = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut e = entry.unwrap();
        let Some(n) = e
            .path()
            .unwrap()
            .file_name()
            .and_then(|f| f.to_str()?.parse::<usize>().ok())
        else {
            continue;
        };
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        let sp = data.iter().position(|&b| b == b' ').unwrap();
        let len: usize = std::str::from_utf8(&data[..sp]).unwrap().parse().unwrap();
        cases.push((n, data[sp + 1..sp + 1 + len].to_vec()));
    }
    cases.sort();
    cases
}

/// Fills a PROTOS PDU's placeholders as the suite's README describes.
pub fn fill(pdu: &[u8], n: usize, me: SocketAddr, gw: SocketAddr) -> Vec<u8> {
    let mut out = pdu.to_vec();
    let subs = [
        ("<To>", format!("protos@{gw}")),
        ("<From>", format!("tester@{me}")),
        ("<From-Address>", me.ip().to_string()),
        ("<From-IP>", me.ip().to_string()),
        ("<Local-Port>", me.port().to_string()),
        ("<Branch-ID>", format!("{n}x")),
        ("<Call-ID>", format!("protos-{n}")),
        ("<CSeq>", "1".into()),
    ];
    for (k, v) in subs {
        out = replace(&out, k.as_bytes(), v.as_bytes());
    }
    let body = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |i| out.len() - i - 4);
    replace(&out, b"<Content-Length>", body.to_string().as_bytes())
}

fn replace(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}
