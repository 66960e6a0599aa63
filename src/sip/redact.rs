//! A message as it may be logged: SDES keys (`inline:` in `a=crypto`)
//! hidden, so a trace of the wire never holds an SRTP key.

/// `bytes` as text with every `inline:` key replaced by `(hidden)`.
pub fn for_log(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    let mut rest = &*text;
    while let Some(at) = rest.find("inline:") {
        let (head, tail) = rest.split_at(at + "inline:".len());
        out.push_str(head);
        out.push_str("(hidden)");
        let end = tail.find(|c: char| c == '|' || c == ';' || c.is_whitespace());
        rest = &tail[end.unwrap_or(tail.len())..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_hidden_and_the_rest_kept() {
        let sdp = "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:QUJD\r\n";
        let logged = super::for_log(sdp.as_bytes());
        assert_eq!(
            logged,
            "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:(hidden)|2^20\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:(hidden)\r\n"
        );
        assert_eq!(super::for_log(b"INVITE sip:a SIP/2.0\r\n"), "INVITE sip:a SIP/2.0\r\n");
    }
}
