// SPDX-License-Identifier: GPL-2.0
/*
 * rtp_fwd: rvoip's kernel fast path for plain relay (issue #21, item 4).
 *
 * A TC ingress classifier (clsact). A UDP/IPv4 packet whose destination
 * (our leg's socket) and source (the peer latched on that leg) match an
 * entry in `rtp_fwd` is rewritten as the worker would rewrite it: our other
 * leg's socket as source, the other peer as destination, our SSRC, the
 * stream's sequence and timestamp offsets and the other leg's payload
 * types; checksums are fixed and the packet leaves by the interface the
 * FIB names. Everything else is passed on (PASS) and reaches the worker's
 * socket as if this program were not there: no entry, a stranger on a
 * forwarded port (RTPBleed), RTCP, not RTP version 2, a truncated header,
 * padding, another SSRC or payload type than the entry's, IP options or
 * fragments, no route. Nothing is ever dropped here.
 *
 * The layouts below are mirrored by src/media/kernel/entry.rs: change
 * both together. Addresses and ports are in network byte order, RTP
 * fields in host order.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Where a packet arrives (our socket) and who sent it (the peer). A guard
 * entry has peer 0.0.0.0:0: it marks our socket as forwarded here, so a
 * packet from anyone else is counted as a stranger. */
struct fwd_key {
	__u32 local_ip;
	__u32 peer_ip;
	__u16 local_port;
	__u16 peer_port;
};

#define FWD_GUARD 1u       /* a guard: never forwards */
#define FWD_REWRITE_RTP 2u /* SSRC, sequence, timestamp and PT rewritten */

struct fwd_entry {
	__u32 flags;
	__u32 out_src_ip;  /* our other leg's socket */
	__u32 out_dst_ip;  /* the other leg's latched peer */
	__u16 out_src_port;
	__u16 out_dst_port;
	__u32 in_ssrc;     /* the source's SSRC the offsets were taken for */
	__u32 out_ssrc;
	__u32 ts_delta;
	__u16 seq_delta;
	__u8 pt_in[2];     /* voice codec, telephone-event (0xff: none) */
	__u8 pt_out[2];
	__u16 last_seq;    /* the latest packet's, as sent */
	__u32 last_ts;
	__u64 packets;     /* forwarded */
	__u64 bytes;       /* RTP bytes (UDP payload) forwarded */
	__u64 lost;        /* sequence numbers skipped by forwarded packets */
};

/* What became of a UDP packet that reached the program, one slot each. */
enum fwd_count {
	FWD_FORWARDED = 0,
	FWD_NOT_OURS,   /* no entry for its destination: SIP, RTCP ports... */
	FWD_STRANGER,   /* a forwarded port, another source */
	FWD_NOT_RTP,    /* truncated, version, padding, RTCP */
	FWD_OTHER_SSRC, /* a new SSRC or a payload type the entry lacks */
	FWD_IP_UNUSUAL, /* IP options or a fragment (any UDP) */
	FWD_NO_ROUTE,   /* the FIB does not forward to the other peer */
	FWD_COUNTS,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct fwd_key);
	__type(value, struct fwd_entry);
} rtp_fwd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FWD_COUNTS);
	__type(key, __u32);
	__type(value, __u64);
} rtp_fwd_counts SEC(".maps");

#define IP_OFF ETH_HLEN
#define UDP_OFF (IP_OFF + sizeof(struct iphdr))
#define RTP_OFF (UDP_OFF + sizeof(struct udphdr))
#define IP_CSUM (IP_OFF + offsetof(struct iphdr, check))
#define UDP_CSUM (UDP_OFF + offsetof(struct udphdr, check))
#define L4 BPF_F_MARK_MANGLED_0
/* Not ours to decide: the next TC program (TCX_NEXT on a TCX link, the
 * next filter under clsact) or, with none, the stack. TC_ACT_OK would
 * end the chain and hide the packet from programs attached after us. */
#define PASS TC_ACT_UNSPEC

static __always_inline int count(__u32 what)
{
	__u64 *n = bpf_map_lookup_elem(&rtp_fwd_counts, &what);

	if (n)
		*n += 1;
	return PASS;
}

/* A rewrite's checksum change: the difference `bpf_csum_diff` finds
 * between the old and new bytes of a field (sizes in multiples of 4), with
 * `seed` the difference so far. */
static __always_inline __u32 diff(void *from, void *to, __u32 size, __u32 seed)
{
	return (__u32)bpf_csum_diff(from, size, to, size, seed);
}

/* The packet leaves as one our socket sends: a fresh TTL, not what is
 * left of the peer's (which may not reach the other peer). */
#define TTL 64
static __always_inline void fresh_ttl(struct __sk_buff *skb, const struct iphdr *ip)
{
	__u16 from, to;

	if (ip->ttl == TTL)
		return;
	/* TTL and protocol share a 16-bit word of the header checksum. */
	from = bpf_htons(((__u16)ip->ttl << 8) | ip->protocol);
	to = bpf_htons(((__u16)TTL << 8) | ip->protocol);
	bpf_l3_csum_replace(skb, IP_CSUM, from, to, 2);
	bpf_skb_store_bytes(skb, IP_OFF + offsetof(struct iphdr, ttl), &to, 2, 0);
}

/* The IP addresses and UDP ports, in wire order. */
struct ip_pair {
	__u32 saddr;
	__u32 daddr;
};
struct port_pair {
	__u16 source;
	__u16 dest;
};

/* The RTP fixed header's first four words, as received. */
struct rtp_words {
	__u16 flags_pt;
	__u16 seq;
	__u32 ts;
	__u32 ssrc;
};

/* Whether the RTP header fits in `rtp_len` bytes: CSRCs and extension;
 * padding is left to the worker. */
static __always_inline int rtp_fits(struct __sk_buff *skb, __u8 b0, __u32 rtp_len)
{
	__u32 hdr = 12 + 4 * (b0 & 0x0f);
	__u16 words[2];

	if ((b0 >> 6) != 2 || (b0 & 0x20) || rtp_len < hdr)
		return 0;
	if (!(b0 & 0x10))
		return 1;
	if (rtp_len < hdr + 4 || bpf_skb_load_bytes(skb, RTP_OFF + (hdr & 0x7f), words, 4))
		return 0;
	return rtp_len >= hdr + 4 + 4 * (__u32)bpf_ntohs(words[1]);
}

SEC("classifier")
int rtp_fwd_ingress(struct __sk_buff *skb)
{
	struct fwd_key key = {}, guard = {};
	struct bpf_fib_lookup fib = {};
	struct fwd_entry *e;
	struct rtp_words w, out_w;
	struct ip_pair in_ips, out_ips;
	struct port_pair in_ports, out_ports;
	__u32 ip_diff, udp_diff;
	__u8 macs[2 * ETH_ALEN];
	struct iphdr ip;
	struct udphdr udp;
	__u32 rtp_len, in_pt, pt;
	__u16 out_fp, out_seq, gap;
	__u32 out_ts;
	long rc;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return PASS;
	if (bpf_skb_load_bytes(skb, IP_OFF, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP)
		return PASS;
	if (ip.ihl != 5 || (ip.frag_off & bpf_htons(0x3fff)))
		return count(FWD_IP_UNUSUAL);
	if (bpf_skb_load_bytes(skb, UDP_OFF, &udp, sizeof(udp)))
		return PASS;
	key.local_ip = ip.daddr;
	key.local_port = udp.dest;
	key.peer_ip = ip.saddr;
	key.peer_port = udp.source;
	e = bpf_map_lookup_elem(&rtp_fwd, &key);
	if (!e) {
		guard.local_ip = ip.daddr;
		guard.local_port = udp.dest;
		return count(bpf_map_lookup_elem(&rtp_fwd, &guard) ? FWD_STRANGER : FWD_NOT_OURS);
	}
	if (e->flags & FWD_GUARD)
		return count(FWD_STRANGER);
	rtp_len = bpf_ntohs(udp.len);
	if (rtp_len < sizeof(udp) + 12 || bpf_ntohs(ip.tot_len) < sizeof(ip) + rtp_len ||
	    skb->len < RTP_OFF + rtp_len - sizeof(udp) ||
	    bpf_skb_load_bytes(skb, RTP_OFF, &w, sizeof(w)))
		return count(FWD_NOT_RTP);
	rtp_len -= sizeof(udp);
	if (!rtp_fits(skb, bpf_ntohs(w.flags_pt) >> 8, rtp_len))
		return count(FWD_NOT_RTP);
	in_pt = (bpf_ntohs(w.flags_pt) & 0x7f);
	if (in_pt >= 64 && in_pt < 96) /* RTCP on a muxed port (RFC 5761 §4) */
		return count(FWD_NOT_RTP);
	out_fp = w.flags_pt;
	if (e->flags & FWD_REWRITE_RTP) {
		if (bpf_ntohl(w.ssrc) != e->in_ssrc)
			return count(FWD_OTHER_SSRC);
		if (in_pt == e->pt_in[0])
			pt = e->pt_out[0];
		else if (in_pt == e->pt_in[1] && e->pt_in[1] != 0xff)
			pt = e->pt_out[1];
		else
			return count(FWD_OTHER_SSRC);
		out_fp = bpf_htons((bpf_ntohs(w.flags_pt) & 0xff80) | (pt & 0x7f));
	}

	fib.family = 2; /* AF_INET */
	fib.l4_protocol = IPPROTO_UDP;
	fib.tot_len = bpf_ntohs(ip.tot_len);
	fib.ipv4_src = e->out_src_ip;
	fib.ipv4_dst = e->out_dst_ip;
	fib.ifindex = skb->ingress_ifindex;
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return count(FWD_NO_ROUTE);

	/* Each run of bytes is written once, and the checksums are fixed
	 * with one difference per kind: the addresses change the IP header's
	 * and the UDP pseudo-header's, the ports and RTP words the UDP's. */
	in_ips = (struct ip_pair){ip.saddr, ip.daddr};
	out_ips = (struct ip_pair){e->out_src_ip, e->out_dst_ip};
	in_ports = (struct port_pair){udp.source, udp.dest};
	out_ports = (struct port_pair){e->out_src_port, e->out_dst_port};
	ip_diff = diff(&in_ips, &out_ips, sizeof(in_ips), 0);
	udp_diff = diff(&in_ports, &out_ports, sizeof(in_ports), 0);
	out_seq = bpf_ntohs(w.seq);
	out_ts = bpf_ntohl(w.ts);
	out_w = w;
	if (e->flags & FWD_REWRITE_RTP) {
		out_seq += e->seq_delta;
		out_ts += e->ts_delta;
		out_w.flags_pt = out_fp;
		out_w.seq = bpf_htons(out_seq);
		out_w.ts = bpf_htonl(out_ts);
		out_w.ssrc = bpf_htonl(e->out_ssrc);
		udp_diff = diff(&w, &out_w, sizeof(w), udp_diff);
	}
	fresh_ttl(skb, &ip);
	bpf_l3_csum_replace(skb, IP_CSUM, 0, ip_diff, 0);
	bpf_l4_csum_replace(skb, UDP_CSUM, 0, ip_diff, L4 | BPF_F_PSEUDO_HDR);
	bpf_l4_csum_replace(skb, UDP_CSUM, 0, udp_diff, L4);
	bpf_skb_store_bytes(skb, IP_OFF + offsetof(struct iphdr, saddr), &out_ips, sizeof(out_ips), 0);
	bpf_skb_store_bytes(skb, UDP_OFF, &out_ports, sizeof(out_ports), 0);
	if (e->flags & FWD_REWRITE_RTP)
		bpf_skb_store_bytes(skb, RTP_OFF, &out_w, sizeof(out_w), 0);
	gap = out_seq - e->last_seq;
	/* The last numbers move only forward (a late packet leaves them), as
	 * the worker's stream keeps them; numbers skipped are counted lost. */
	if (!e->packets || gap < 0x8000) {
		if (e->packets && gap > 1)
			__sync_fetch_and_add(&e->lost, gap - 1);
		e->last_seq = out_seq;
		e->last_ts = out_ts;
	}
	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, rtp_len);
	count(FWD_FORWARDED);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return bpf_redirect_neigh(fib.ifindex, 0, 0, 0);
	__builtin_memcpy(macs, fib.dmac, ETH_ALEN);
	__builtin_memcpy(macs + ETH_ALEN, fib.smac, ETH_ALEN);
	bpf_skb_store_bytes(skb, 0, macs, sizeof(macs), 0);
	return bpf_redirect(fib.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
