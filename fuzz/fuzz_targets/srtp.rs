//! SRTP and SRTCP unprotect on arbitrary bytes: never panics, and a packet
//! it refuses leaves the context able to take the next honest packet.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::media::srtp::{MasterKey, SrtcpContext, SrtpContext, Suite};

fuzz_target!(|data: &[u8]| {
    let master = MasterKey::from_bytes(&[9u8; 30]).unwrap();
    let (mut tx, mut rx) = (
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
        SrtpContext::new(&master, Suite::AesCm128HmacSha1_80),
    );
    let mut buf = data.to_vec();
    let _ = rx.unprotect(&mut buf);
    let mut buf = data.to_vec();
    let _ = SrtcpContext::new(&master).unprotect(&mut buf);
    let mut honest = [0u8; 64];
    honest[0] = 0x80;
    honest[3] = 7;
    let len = tx.protect(&mut honest, 20).unwrap();
    assert_eq!(rx.unprotect(&mut honest[..len]), Ok(20));
});
