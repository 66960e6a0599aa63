//! Network namespaces for tests that need real interfaces (as root):
//! each is made with a name unique to the test process and deleted on
//! drop, with the veths in it.

pub mod udp;

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A network namespace, deleted on drop.
pub struct Netns {
    /// Its name under /var/run/netns.
    pub name: String,
}

/// Runs `ip args`, failing with its stderr.
pub fn ip(args: &[&str]) -> io::Result<()> {
    run("ip", args)
}

/// Runs `cmd args`, failing with its stderr.
pub fn run(cmd: &str, args: &[&str]) -> io::Result<()> {
    let out = Command::new(cmd).args(args).output()?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(io::Error::other(format!("{cmd} {}: {}", args.join(" "), err.trim())))
}

/// Why this process cannot make namespaces, if it cannot: the reason a
/// test skips.
pub fn unavailable() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root: network namespaces need CAP_SYS_ADMIN".into());
    }
    match Netns::new("probe") {
        Ok(_) => None,
        Err(e) => Some(format!("cannot make a network namespace: {e}")),
    }
}

impl Netns {
    /// A new namespace named after `tag`, this process and a counter,
    /// with its loopback up.
    pub fn new(tag: &str) -> io::Result<Netns> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("rvoip-{tag}-{}-{n}", std::process::id());
        ip(&["netns", "add", &name])?;
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// Runs `ip args` inside the namespace.
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["-n", &self.name];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// Runs `cmd args` inside the namespace.
    pub fn exec(&self, cmd: &str, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["netns", "exec", &self.name, cmd];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// Runs `f` on a thread inside the namespace: the sockets it opens
    /// stay there whatever thread uses them later.
    pub fn enter<T: Send>(&self, f: impl FnOnce() -> T + Send) -> io::Result<T> {
        let file = File::open(format!("/var/run/netns/{}", self.name))?;
        std::thread::scope(|s| {
            s.spawn(|| {
                // SAFETY: a valid namespace descriptor; only this thread moves.
                if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(f())
            })
            .join()
            .expect("a namespace thread panicked")
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting the namespace deletes the veths in it.
        let _ = ip(&["netns", "del", &self.name]);
    }
}

/// Peer A, a gateway and peer B in three new namespaces, joined by two
/// veths: A's `a0` (10.201.1.1) to the gateway's `a1` (10.201.1.2), the
/// gateway's `b1` (10.201.2.2) to B's `b0` (10.201.2.1). A computes its
/// UDP checksums in software (so B's stack checks whatever rewrote them)
/// and the gateway forwards (as `bpf_fib_lookup` requires).
pub fn line() -> io::Result<[Netns; 3]> {
    let (na, gw, nb) = (Netns::new("kfa")?, Netns::new("kfgw")?, Netns::new("kfb")?);
    veth(&na, "a0", "10.201.1.1/24", &gw, "a1", "10.201.1.2/24")?;
    veth(&nb, "b0", "10.201.2.1/24", &gw, "b1", "10.201.2.2/24")?;
    na.exec("ethtool", &["-K", "a0", "tx", "off"])?;
    gw.exec("sysctl", &["-qw", "net.ipv4.ip_forward=1"])?;
    Ok([na, gw, nb])
}

/// A veth pair: `a_if` in `a` with `a_addr`, `b_if` in `b` with
/// `b_addr` (CIDR), both up.
pub fn veth(a: &Netns, a_if: &str, a_addr: &str, b: &Netns, b_if: &str, b_addr: &str) -> io::Result<()> {
    ip(&[
        "link", "add", a_if, "netns", &a.name, "type", "veth", "peer", "name", b_if, "netns", &b.name,
    ])?;
    for (ns, ifname, addr) in [(a, a_if, a_addr), (b, b_if, b_addr)] {
        ns.ip(&["addr", "add", addr, "dev", ifname])?;
        ns.ip(&["link", "set", ifname, "up"])?;
    }
    Ok(())
}
