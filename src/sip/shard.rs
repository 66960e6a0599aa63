//! Call-ID affinity for a sharded signalling plane: every message of a call
//! (both dialogs of a bridge, their transactions, CANCEL and ACK) is handled
//! by one shard, picked by hashing the Call-ID. The receiving shard finds
//! the Call-ID with a scan of the raw bytes, before any parse.

/// The shard of `call_id` among `shards` (FNV-1a; stable across runs, so a
/// Call-ID we generate can be chosen to land on our own shard).
pub fn shard_of(call_id: &[u8], shards: usize) -> usize {
    if shards <= 1 {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in call_id {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % shards as u64) as usize
}

/// The Call-ID of a raw message (header `Call-ID` or compact `i`, any
/// case), trimmed; `None` when the header section has none.
pub fn scan_call_id(msg: &[u8]) -> Option<&[u8]> {
    let head_end = memchr::memmem::find(msg, b"\r\n\r\n").unwrap_or(msg.len());
    let head = &msg[..head_end];
    let mut at = memchr::memchr(b'\n', head)? + 1;
    while at < head.len() {
        let end = memchr::memchr(b'\n', &head[at..]).map_or(head.len(), |n| at + n);
        let line = &head[at..end];
        if let Some(colon) = memchr::memchr(b':', line) {
            let name = trim(&line[..colon]);
            if name.eq_ignore_ascii_case(b"call-id") || name.eq_ignore_ascii_case(b"i") {
                return Some(trim(&line[colon + 1..]));
            }
        }
        at = end + 1;
    }
    None
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// The shard a raw message belongs to (shard 0 when it has no Call-ID:
/// that shard answers it with a 400).
pub fn shard_of_message(msg: &[u8], shards: usize) -> usize {
    if shards <= 1 {
        return 0;
    }
    scan_call_id(msg).map_or(0, |c| shard_of(c, shards))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_call_id_in_any_form() {
        let long = b"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP x\r\nCall-ID:  abc@host \r\n\r\nbody";
        let compact = b"SIP/2.0 200 OK\r\nv: SIP/2.0/UDP x\r\ni: abc@host\r\n\r\n";
        let lower = b"BYE sip:a@b SIP/2.0\ncall-id:abc@host\n\n";
        for m in [&long[..], compact, lower] {
            assert_eq!(scan_call_id(m), Some(&b"abc@host"[..]));
        }
        assert_eq!(scan_call_id(b"OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n"), None);
        // Not in the body.
        assert_eq!(scan_call_id(b"INVITE sip:a SIP/2.0\r\n\r\nCall-ID: x\r\n"), None);
        let s = shard_of(b"abc@host", 4);
        assert_eq!(shard_of_message(long, 4), s);
        assert_eq!(shard_of_message(compact, 4), s);
        assert!(s < 4);
        assert_eq!(shard_of(b"abc@host", 1), 0);
    }
}
