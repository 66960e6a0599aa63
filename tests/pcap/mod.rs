//! Reading a pcap of RTP back (pcap-file, etherparse), as a check on what
//! rvoip wrote.

#![allow(dead_code)]

/// The RTP in a pcap: (source port, destination port, payload type,
/// sequence number) of each UDP datagram; panics on anything else.
pub fn rtp(path: &std::path::Path) -> Vec<(u16, u16, u8, u16)> {
    let file = std::fs::File::open(path).unwrap();
    let mut pcap = pcap_file::pcap::PcapReader::new(file).unwrap();
    assert_eq!(pcap.header().datalink, pcap_file::DataLink::RAW);
    let mut out = Vec::new();
    while let Some(p) = pcap.next_packet() {
        let p = p.unwrap();
        assert_eq!(p.orig_len as usize, p.data.len(), "whole packets kept");
        let sliced = etherparse::SlicedPacket::from_ip(&p.data).unwrap();
        let Some(etherparse::TransportSlice::Udp(udp)) = sliced.transport else {
            panic!("UDP")
        };
        let rtp = udp.payload();
        assert_eq!(rtp[0] >> 6, 2, "RTP version 2");
        out.push((
            udp.source_port(),
            udp.destination_port(),
            rtp[1] & 0x7f,
            u16::from_be_bytes([rtp[2], rtp[3]]),
        ));
    }
    out
}

/// The flows in `rtp` (source port, destination port), each checked to
/// hold at least `min` packets numbered in sequence.
pub fn flows(rtp: &[(u16, u16, u8, u16)], min: usize) -> std::collections::BTreeSet<(u16, u16)> {
    let flows: std::collections::BTreeSet<(u16, u16)> = rtp.iter().map(|r| (r.0, r.1)).collect();
    for &(from, to) in &flows {
        let seqs: Vec<u16> = rtp.iter().filter(|r| (r.0, r.1) == (from, to)).map(|r| r.3).collect();
        assert!(seqs.len() >= min, "{from}->{to}: {} packets", seqs.len());
        assert!(
            seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
            "{from}->{to} in sequence"
        );
    }
    flows
}
