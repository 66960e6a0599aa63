// SPDX-License-Identifier: GPL-2.0
/* The sink at peer B for perf/kernel_fastpath.sh's RAW mode: drops IPv4
 * (the forwarded RTP, counted by the veth) at ingress, so B's core spends
 * almost nothing per packet; ARP goes on so the gateway can reach B. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

__attribute__((section("tc"), used)) int sink(struct __sk_buff *skb)
{
	return skb->protocol == __builtin_bswap16(ETH_P_IP) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
