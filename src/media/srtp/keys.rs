//! The master key and salt an `a=crypto` line carries, and the session
//! keys RFC 3711 §4.3 derives from them with the AES-CM PRF (key
//! derivation rate 0: derived once).

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use hmac::Hmac;
use sha1::Sha1;

/// A master key (16 bytes) and salt (14 bytes). Never printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct MasterKey {
    /// The key.
    pub key: [u8; 16],
    /// The salt.
    pub salt: [u8; 14],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// From the 30 bytes of an `inline:` key-salt (key first).
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let b: &[u8; 30] = b.try_into().ok()?;
        let (mut key, mut salt) = ([0; 16], [0; 14]);
        key.copy_from_slice(&b[..16]);
        salt.copy_from_slice(&b[16..]);
        Some(MasterKey { key, salt })
    }
}

/// The keys one direction of SRTP (labels 0-2) or SRTCP (3-5) uses.
#[derive(Clone)]
pub(super) struct SessionKeys {
    pub cipher: Aes128,
    pub salt: [u8; 14],
    pub auth: Hmac<Sha1>,
}

/// RFC 3711 §4.3.1 with kdr 0: AES-CM keystream under the master key,
/// starting at (label at byte 7) XOR the master salt, times 2^16.
fn derive(master: &MasterKey, label: u8, out: &mut [u8]) {
    let prf = Aes128::new(GenericArray::from_slice(&master.key));
    let mut x = [0u8; 16];
    x[..14].copy_from_slice(&master.salt);
    x[7] ^= label;
    for (i, chunk) in out.chunks_mut(16).enumerate() {
        let mut block = GenericArray::clone_from_slice(&x);
        block[14..].copy_from_slice(&(i as u16).to_be_bytes());
        prf.encrypt_block(&mut block);
        chunk.copy_from_slice(&block[..chunk.len()]);
    }
}

impl SessionKeys {
    /// The keys for labels `base`, `base + 1`, `base + 2` (0: SRTP, 3: SRTCP).
    pub fn derive(master: &MasterKey, base: u8) -> Self {
        let (mut k_e, mut k_a, mut k_s) = ([0u8; 16], [0u8; 20], [0u8; 14]);
        derive(master, base, &mut k_e);
        derive(master, base + 1, &mut k_a);
        derive(master, base + 2, &mut k_s);
        SessionKeys {
            cipher: Aes128::new(GenericArray::from_slice(&k_e)),
            salt: k_s,
            auth: <Hmac<Sha1> as hmac::KeyInit>::new_from_slice(&k_a).expect("invariant: HMAC takes any key length"),
        }
    }

    /// XORs `data` with the AES-CM keystream for `ssrc` and packet `index`
    /// (RFC 3711 §4.1.1: IV = salt·2^16 ⊕ SSRC·2^64 ⊕ index·2^16).
    pub fn apply_keystream(&self, ssrc: u32, index: u64, data: &mut [u8]) {
        let mut iv = [0u8; 16];
        iv[..14].copy_from_slice(&self.salt);
        for (b, s) in iv[4..8].iter_mut().zip(ssrc.to_be_bytes()) {
            *b ^= s;
        }
        for (b, s) in iv[8..14].iter_mut().zip(&index.to_be_bytes()[2..]) {
            *b ^= s;
        }
        for (i, chunk) in data.chunks_mut(16).enumerate() {
            let mut block = GenericArray::clone_from_slice(&iv);
            block[14..].copy_from_slice(&(i as u16).to_be_bytes());
            self.cipher.encrypt_block(&mut block);
            for (d, k) in chunk.iter_mut().zip(block.iter()) {
                *d ^= k;
            }
        }
    }

    /// The full HMAC-SHA1 of `parts`, in order.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 20] {
        use hmac::Mac;
        let mut mac = self.auth.clone();
        for p in parts {
            mac.update(p);
        }
        let mut out = [0u8; 20];
        out.copy_from_slice(&mac.finalize().into_bytes());
        out
    }
}
