//! Process limits a gateway needs raised.

/// Each call's media holds one or two sockets: lift the descriptor limit
/// (to 2^20 where allowed, else to the hard limit) so 10,000 calls fit.
pub fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return;
        }
        let want = libc::rlimit {
            rlim_cur: 1 << 20,
            rlim_max: lim.rlim_max.max(1 << 20),
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &want) != 0 {
            lim.rlim_cur = lim.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                tracing::warn!("could not raise the open-file limit");
            }
        }
    }
}

/// Transparent huge pages off for this process (`PR_SET_THP_DISABLE`),
/// as Redis and most latency-bound servers advise. The allocator asks
/// for huge pages on its arenas (`MADV_HUGEPAGE`), so a table or queue
/// growing under load faulted in 2 MiB at a time, each page zeroed whole
/// in the signalling thread: on this project's VM, stalls of 177-303 ms
/// at 4,000 calls/s and hundreds of INVITEs shed per run (perf/README.md).
/// Pages faulted before the call (the runtime's start) stay as they are;
/// processes started by this one inherit the setting.
pub fn no_huge_pages() {
    let off: libc::c_ulong = 1;
    // SAFETY: this prctl takes integers and changes only the flag.
    if unsafe {
        libc::prctl(
            libc::PR_SET_THP_DISABLE,
            off,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    } != 0
    {
        tracing::warn!("transparent huge pages stay on: {}", std::io::Error::last_os_error());
    }
}

/// The current (soft) open-file limit.
pub fn fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 1024;
    }
    lim.rlim_cur
}
