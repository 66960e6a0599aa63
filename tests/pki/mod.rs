//! Certificates for TLS tests, made at test time with rcgen (no key is
//! kept in the repository), the `TlsConfig` that uses them, and the
//! handshake counters a test reads.

#![allow(dead_code)]

use rvoip::api::{SipUa, TlsConfig};

/// A CA, and a certificate it signs.
pub struct Pki {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

/// A certificate for `san` (an IP address or a DNS name).
pub fn pki(san: &str) -> Pki {
    pki_for(&[san])
}

/// A certificate for each of `sans` (IP addresses are IP SANs, the rest
/// dNSNames).
pub fn pki_for(sans: &[&str]) -> Pki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
    let cert = rcgen::CertificateParams::new(sans)
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// TLS on 127.0.0.1 with `ours`, trusting `trusted`'s CA.
pub fn tls(ours: &Pki, trusted: &Pki) -> Option<TlsConfig> {
    Some(TlsConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        cert_chain_pem: ours.cert_pem.clone().into_bytes(),
        key_pem: ours.key_pem.clone().into_bytes(),
        ca_pem: trusted.ca_pem.clone().into_bytes(),
        client_ca_pem: Vec::new(),
        trust_clients: false,
    })
}

/// The value of `rvoip_tls_handshakes_total` for `side` and `outcome`.
pub fn handshakes(ua: &SipUa, side: &str, outcome: &str) -> u64 {
    let page = ua.metrics().render();
    let key = format!("rvoip_tls_handshakes_total{{side=\"{side}\",outcome=\"{outcome}\"}} ");
    page.lines()
        .find_map(|l| l.strip_prefix(key.as_str()))
        .map_or(0, |v| v.parse().unwrap())
}
