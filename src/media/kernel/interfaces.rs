//! The interfaces media can arrive on: every interface that is up, is
//! not a loopback and has an IPv4 address (the fast path is IPv4 only);
//! and whether one forwards IPv4, which `bpf_fib_lookup` requires.

use std::ffi::CStr;

/// Their names, each once.
pub fn media_interfaces() -> Vec<String> {
    let mut names = Vec::new();
    let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `ifap` with a list we free below.
    if unsafe { libc::getifaddrs(&mut ifap) } != 0 {
        return names;
    }
    let mut cur = ifap;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list getifaddrs returned.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        let flags = ifa.ifa_flags as libc::c_int;
        let up = flags & libc::IFF_UP != 0 && flags & libc::IFF_LOOPBACK == 0;
        // SAFETY: a non-null ifa_addr points at a sockaddr.
        let ipv4 = !ifa.ifa_addr.is_null() && i32::from(unsafe { (*ifa.ifa_addr).sa_family }) == libc::AF_INET;
        if up && ipv4 {
            // SAFETY: ifa_name is a NUL-terminated string in the list.
            let name = unsafe { CStr::from_ptr(ifa.ifa_name) }.to_string_lossy().into_owned();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    // SAFETY: the list getifaddrs returned, freed once.
    unsafe { libc::freeifaddrs(ifap) };
    names
}

/// Whether interface `name` forwards IPv4 (`net.ipv4.conf.<name>.forwarding`):
/// where it does not, the program finds no route and passes everything up.
pub fn forwards_ipv4(name: &str) -> bool {
    let path = format!("/proc/sys/net/ipv4/conf/{name}/forwarding");
    std::fs::read_to_string(path).is_ok_and(|v| v.trim() == "1")
}
