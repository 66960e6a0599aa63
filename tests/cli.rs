//! The `rvoip-gw` binary as a user runs it: bad configuration stops start-up
//! naming the key; `rvoip-gw call` places calls against a running gateway.

mod tone;
use std::io::Write;
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_rvoip-gw");

fn config_error(toml: &str) -> String {
    let mut f = tempfile();
    f.1.write_all(toml.as_bytes()).unwrap();
    let out = Command::new(BIN)
        .args(["--config", &f.0, "--sip", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad config must stop start-up");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tempfile() -> (String, std::fs::File) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("rvoip-cli-{}-{n}.toml", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    (path.to_string_lossy().into_owned(), f)
}

#[test]
fn unknown_key_is_named() {
    let err = config_error("[sip]\nlisten_addr = \"127.0.0.1:5060\"\n");
    assert!(err.contains("listen_addr"), "{err}");
}

#[test]
fn bad_value_is_named() {
    let err = config_error("[media]\nport_min = 30000\nport_max = 20000\n");
    assert!(err.contains("media.port_min"), "{err}");
    let err = config_error("[media]\nrealtime_priority = 120\n");
    assert!(err.contains("media.realtime_priority"), "{err}");
    let err = config_error("[media]\nmax_delay_ms = 5000\n");
    assert!(err.contains("media.max_delay_ms (5000)"), "{err}");
    let err = config_error("[media]\ntranscoders = 100\n");
    assert!(err.contains("media.transcoders (100)"), "{err}");
    let err = config_error("[media]\ntranscoders = -1\n");
    assert!(err.contains("transcoders"), "{err}");
    let err = config_error("[media]\nopus_complexity = 11\n");
    assert!(err.contains("media.opus_complexity (11)"), "{err}");
    let err = config_error("[media]\nopus_bitrate = 1000\n");
    assert!(err.contains("media.opus_bitrate (1000)"), "{err}");
    let err = config_error("[media]\nio = \"io_uring\"\n");
    assert!(err.contains("media.io") && err.contains("io_uring"), "{err}");
    let err = config_error("[media]\nkernel = \"on\"\n");
    assert!(err.contains("media.kernel") && err.contains("\"on\""), "{err}");
    let err = config_error("[[routes]]\nuser_prefix = \"\"\nreject = 200\n");
    assert!(err.contains("routes[0].reject"), "{err}");
    let err = config_error("[timers]\nt1_ms = \"fast\"\n");
    assert!(err.contains("t1_ms"), "{err}");
    let err = config_error("[dns]\nservers = [\"127.0.0.1:53\", \"ns.example\"]\n");
    assert!(err.contains("dns.servers[1]") && err.contains("ns.example"), "{err}");
    let err = config_error("[dns]\ntimeout_ms = 0\n");
    assert!(err.contains("dns.timeout_ms"), "{err}");
}

#[test]
fn a_missing_or_bad_credentials_file_is_named_and_ha1_writes_a_good_one() {
    let missing = "/nonexistent/rvoip-credentials.toml";
    let err = config_error(&format!("[auth]\ncredentials = \"{missing}\"\n"));
    assert!(err.contains("auth.credentials") && err.contains(missing), "{err}");
    // `rvoip-gw ha1` writes an entry from a password on stdin; the file
    // holds hashes only.
    let mut ha1 = Command::new(BIN)
        .args(["ha1", "alice", "rvoip"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    ha1.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = ha1.wait_with_output().unwrap();
    let entry = String::from_utf8(out.stdout).unwrap();
    assert!(
        entry.contains("ha1_md5 = \"") && entry.contains("ha1_sha256 = \""),
        "{entry}"
    );
    assert!(!entry.contains("s3cret"), "no password in the file");
    let path = std::env::temp_dir().join(format!("rvoip-cli-creds-{}.toml", std::process::id()));
    std::fs::write(&path, entry.replace("ha1_md5 = \"", "ha1_md5 = \"zz")).unwrap();
    let cfg = format!("[auth]\ncredentials = \"{}\"\n", path.display());
    let err = config_error(&cfg);
    assert!(
        err.contains("auth.credentials") && err.contains("users[0].ha1_md5"),
        "{err}"
    );
    let err = config_error(&format!("{cfg}algorithms = [\"MD6\"]\n"));
    assert!(
        err.contains("auth.credentials") || err.contains("auth.algorithms"),
        "{err}"
    );
    std::fs::write(&path, &entry).unwrap();
    let err = config_error(&format!("{cfg}algorithms = [\"MD6\"]\n"));
    assert!(err.contains("auth.algorithms") && err.contains("MD6"), "{err}");
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_access_entries_are_named() {
    let err = config_error("[[acl]]\ncidr = \"10.0.0/8\"\naction = \"deny\"\n");
    assert!(err.contains("acl[0].cidr"), "{err}");
    let err = config_error("[[acl]]\ncidr = \"10.0.0.0/8\"\naction = \"maybe\"\n");
    assert!(err.contains("acl[0].action"), "{err}");
    let err = config_error("[access]\nuntrusted = \"sometimes\"\n");
    assert!(err.contains("access.untrusted"), "{err}");
    let route = "[[routes]]\nuser_prefix = \"\"\ntarget = \"echo\"\nsources = [\"10.0.0.0/33\"]\n";
    let err = config_error(route);
    assert!(err.contains("routes[0].sources[0]"), "{err}");
}

/// The line fail2ban reads, as docs/security.md's filter expects it:
/// `<time> WARN rvoip::access: refused src=<ip>:<port> method=<M> reason=<R>`,
/// without colours in a pipe.
#[test]
fn a_refused_source_is_logged_in_the_documented_format() {
    use std::io::{BufRead, BufReader};
    let port = free_port();
    let cfg = std::env::temp_dir().join(format!("rvoip-acl-{}.toml", std::process::id()));
    std::fs::write(&cfg, "[[acl]]\ncidr = \"127.0.0.2\"\naction = \"deny\"\n").unwrap();
    let mut gw = Command::new(BIN)
        .args(["--sip", &format!("127.0.0.1:{port}"), "--config", cfg.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(gw.stderr.take().unwrap()).lines();
    wait_line(&mut lines, "listening");
    wait_until_answering(port); // from 127.0.0.1: allowed
    let sock = UdpSocket::bind("127.0.0.2:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let me = sock.local_addr().unwrap();
    let invite = format!(
        "INVITE sip:echo@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKacl\r\nMax-Forwards: 70\r\n\
         From: <sip:x@{me}>;tag=x\r\nTo: <sip:echo@127.0.0.1:{port}>\r\nCall-ID: acl-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:x@{me}>\r\nContent-Length: 0\r\n\r\n"
    );
    sock.send_to(invite.as_bytes(), ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 2048];
    let n = sock.recv(&mut buf).unwrap();
    assert!(
        buf[..n].starts_with(b"SIP/2.0 403 Forbidden"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    let line = wait_line(&mut lines, "refused src=");
    let _ = gw.kill();
    let _ = gw.wait();
    let _ = std::fs::remove_file(cfg);
    let tail = format!(" WARN rvoip::access: refused src={me} method=INVITE reason=acl-deny");
    assert!(line.ends_with(&tail), "{line:?}");
    assert!(!line.contains('\u{1b}'), "no colour codes: {line:?}");
    let time = line.strip_suffix(&tail).unwrap().trim_end();
    assert!(
        !time.is_empty() && !time.contains(' '),
        "one timestamp field first: {line:?}"
    );
}

fn free_port() -> u16 {
    loop {
        let u = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = u.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A gateway on its embedded default config (echo service) on a free port;
/// `extra` adds arguments.
fn gateway_on_defaults(extra: &[&str]) -> (u16, std::process::Child) {
    let port = free_port();
    let gw = Command::new(BIN)
        .args(["--sip", &format!("127.0.0.1:{port}"), "--log-level", "warn"])
        .args(extra)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_answering(port);
    (port, gw)
}

/// Probes the gateway at `port` with OPTIONS until it answers 200 (each
/// probe waits 100 ms for its answer; 10 s in all).
fn wait_until_answering(port: u16) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    let me = sock.local_addr().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    for n in 0.. {
        assert!(
            std::time::Instant::now() < deadline,
            "the gateway on port {port} never answered"
        );
        let probe = format!(
            "OPTIONS sip:ping@127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKprobe{n}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:probe@{me}>;tag=p\r\nTo: <sip:ping@127.0.0.1:{port}>\r\n\
             Call-ID: probe-{n}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        );
        sock.send_to(probe.as_bytes(), ("127.0.0.1", port)).unwrap();
        let mut buf = [0u8; 2048];
        // Before the gateway binds, the probe draws ICMP (an error) or nothing.
        if let Ok(n) = sock.recv(&mut buf)
            && buf[..n].starts_with(b"SIP/2.0 200")
        {
            return;
        }
    }
}

#[test]
fn call_subcommand_against_the_echo_service() {
    let (port, mut gw) = gateway_on_defaults(&[]);
    let run = |user: &str, extra: &[&str]| {
        let uri = format!("sip:{user}@127.0.0.1:{port}");
        let mut args = vec!["call", uri.as_str(), "--count", "20", "--rate", "200"];
        args.extend_from_slice(extra);
        Command::new(BIN).args(&args).output().unwrap()
    };
    let ok = run("echo", &[]);
    let tcp = run("echo", &["--transport", "tcp"]);
    let busy = run("busy", &[]);
    gw.kill().unwrap();
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    assert!(
        text.contains("answered   20") && text.contains("failed     0"),
        "{text}"
    );
    assert!(tcp.status.success(), "{}", String::from_utf8_lossy(&tcp.stdout));
    let text = String::from_utf8_lossy(&busy.stdout);
    assert!(!busy.status.success(), "failed calls must fail the command");
    assert!(text.contains("status     486 x20"), "{text}");
}

/// `rvoip-rtpload --sip`: calls placed over SIP on a running gateway's echo
/// service; every packet sent comes back; a rejected call fails the run.
#[test]
fn rtpload_over_sip_against_the_echo_service() {
    // Media ports of its own: the other tests' gateways and clients run
    // at the same time and deal theirs from the bottom of the default range.
    let mut f = tempfile();
    // Every packet must come back: a bound far above any stall of a busy
    // test machine (the bound has its own tests, media_late.rs).
    writeln!(f.1, "[media]\nport_min = 31000\nport_max = 31400\nmax_delay_ms = 1000").unwrap();
    let (port, mut gw) = gateway_on_defaults(&["--config", &f.0]);
    let run = |user: &str| {
        let (server, uri) = (format!("127.0.0.1:{port}"), format!("sip:{user}@127.0.0.1:{port}"));
        let args = ["--sip", &server, "--uri", &uri, "--calls", "5", "--duration", "1"];
        Command::new(env!("CARGO_BIN_EXE_rvoip-rtpload"))
            .args(args)
            .output()
            .unwrap()
    };
    let (ok, busy) = (run("load"), run("busy"));
    gw.kill().unwrap();
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    assert!(text.contains("(answered 5, failed 0, BYEs answered 5)"), "{text}");
    let count = |key: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert!(count("sent") >= 5 * 40, "50 packets/s per call for 1 s: {text}");
    assert_eq!(
        count("received"),
        count("sent"),
        "the echo returns every packet: {text}"
    );
    let text = String::from_utf8_lossy(&busy.stdout);
    assert_eq!(busy.status.code(), Some(1), "rejected calls fail the run: {text}");
    assert!(text.contains("(answered 0, failed 5, BYEs answered 0)"), "{text}");
}

/// `rvoip-rtpload --shared-socket`: every endpoint on one socket, the
/// relay in process as usual; each packet comes back to the endpoint it
/// was for (told apart by the relay port it came from: a packet put to the
/// wrong endpoint or from a port of no call is not counted), none dropped
/// as late. The mode refuses what it cannot time (transcoded calls), and
/// `--load-core` refuses a core the machine does not have.
#[test]
fn rtpload_on_one_shared_socket() {
    let run = |extra: &[&str]| {
        // A relay address of its own keeps clear of the other tests'
        // gateways on 127.0.0.1.
        let mut args = vec!["--calls", "20", "--duration", "1", "--workers", "1"];
        args.extend([
            "--relay-ip",
            "127.0.0.3",
            "--base-port",
            "24000",
            "--max-delay-ms",
            "1000",
        ]);
        args.extend(extra);
        Command::new(env!("CARGO_BIN_EXE_rvoip-rtpload"))
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&["--shared-socket"]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    let count = |key: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert!(
        count("sent") >= 20 * 2 * 40,
        "50 packets/s each way per call for 1 s: {text}"
    );
    assert_eq!(count("received"), count("sent"), "each back at its endpoint: {text}");
    assert!(text.contains("relay_drops late=0 kernel=0"), "{text}");
    let refused = run(&["--shared-socket", "--transcoded", "1"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(err.contains("--shared-socket") && err.contains("--transcoded"), "{err}");
    let refused = run(&["--load-core", "4096"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(err.contains("--load-core 4096"), "{err}");
}

/// `rvoip-rtpload --bare`: the floor relay in place of the media plane
/// relays every packet back to the endpoint it was for, on a socket per
/// endpoint and on the shared one, and reports its CPU; it refuses what it
/// cannot do.
#[test]
fn rtpload_through_the_bare_relay() {
    let run = |extra: &[&str]| {
        let mut args = vec!["--bare", "--calls", "20", "--duration", "1"];
        args.extend(["--relay-ip", "127.0.0.3", "--base-port", "24400"]);
        args.extend(extra);
        Command::new(env!("CARGO_BIN_EXE_rvoip-rtpload"))
            .args(args)
            .output()
            .unwrap()
    };
    for extra in [&[][..], &["--shared-socket"][..]] {
        let ok = run(extra);
        let text = String::from_utf8_lossy(&ok.stdout);
        assert!(ok.status.success(), "{text}");
        assert!(text.contains("bare relay") && text.contains("bare I/O"), "{text}");
        let count = |key: &str| -> u64 {
            let line = text.lines().find(|l| l.starts_with(key)).unwrap();
            line.split_whitespace().nth(1).unwrap().parse().unwrap()
        };
        assert!(count("sent") >= 20 * 2 * 40, "{extra:?}: {text}");
        assert_eq!(count("received"), count("sent"), "{extra:?}: {text}");
        assert!(text.contains("relay_cpu_s"), "{text}");
    }
    let refused = run(&["--srtp"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(err.contains("--bare") && err.contains("--srtp"), "{err}");
}

/// `media.io = "uring"` where io_uring cannot be had (forced here: this
/// machine has it): the gateway says so once and its media go through
/// epoll; the echo still returns every packet.
#[test]
fn media_io_uring_falls_back_to_epoll_where_io_uring_is_missing() {
    let mut f = tempfile();
    writeln!(
        f.1,
        "[media]\nport_min = 30800\nport_max = 31000\nmax_delay_ms = 1000\nio = \"uring\""
    )
    .unwrap();
    let (dir, port) = (std::env::temp_dir(), free_port());
    let log_path = dir.join(format!("rvoip-cli-{}-uring.log", std::process::id()));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut gw = Command::new(BIN)
        .args([
            "--config",
            &f.0,
            "--sip",
            &format!("127.0.0.1:{port}"),
            "--log-level",
            "info",
        ])
        .env("RVOIP_MEDIA_NO_URING", "1")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_until_answering(port);
    let (server, uri) = (format!("127.0.0.1:{port}"), format!("sip:load@127.0.0.1:{port}"));
    let run = Command::new(env!("CARGO_BIN_EXE_rvoip-rtpload"))
        .args(["--sip", &server, "--uri", &uri, "--calls", "2", "--duration", "1"])
        .output()
        .unwrap();
    gw.kill().unwrap();
    gw.wait().unwrap();
    let logged = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);
    let said: Vec<_> = logged.lines().filter(|l| l.contains("io_uring unavailable")).collect();
    assert_eq!(said.len(), 1, "said once: {logged}");
    assert!(
        said[0].contains("media.io") && said[0].contains("RVOIP_MEDIA_NO_URING") && said[0].contains("epoll"),
        "{logged}"
    );
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{text}");
    let count = |key: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert!(count("sent") >= 2 * 40, "{text}");
    assert_eq!(count("received"), count("sent"), "echoed through epoll: {text}");
}

#[test]
fn bad_tls_settings_are_named() {
    let err = config_error("[tls]\nlisten = \"127.0.0.1:0\"\n");
    assert!(err.contains("tls.cert") && err.contains("needed"), "{err}");
    let err = config_error("[tls]\nlisten = \"127.0.0.1:0\"\ncert = \"/nonexistent/cert.pem\"\nkey = \"/x\"\n");
    assert!(
        err.contains("tls.cert") && err.contains("/nonexistent/cert.pem"),
        "{err}"
    );
    let err = config_error("[tls]\nlisten = \"localhost:5061\"\n");
    assert!(err.contains("tls.listen"), "{err}");
}

#[test]
fn bad_srtp_settings_are_named() {
    let err = config_error("[[routes]]\ntarget = \"sip:127.0.0.1:5070\"\nsrtp = \"mandatory\"\n");
    assert!(
        err.contains("routes[0].srtp") && err.contains("sdes_in_clear"),
        "keys would go in clear: {err}"
    );
    let err = config_error("[[routes]]\ntarget = \"registered\"\nsrtp = \"optional\"\n[registrar]\nenabled = true\n");
    assert!(err.contains("routes[0].srtp") && err.contains("SIP URI"), "{err}");
    let err = config_error("[[routes]]\ntarget = \"ws://127.0.0.1:9/x\"\naudio_rate = 44100\n");
    assert!(err.contains("routes[0].audio_rate") && err.contains("44100"), "{err}");
    let err = config_error("[[routes]]\ntarget = \"echo\"\ncapture_dir = \"/proc/rvoip-no\"\n");
    assert!(
        err.contains("routes[0].capture_dir") && err.contains("/proc/rvoip-no"),
        "{err}"
    );
    let err = config_error("[[routes]]\nreject = 486\ncapture_dir = \"/tmp\"\n");
    assert!(
        err.contains("routes[0].capture_dir") && err.contains("no media"),
        "{err}"
    );
    let err = config_error("[sip]\nsrtp = \"always\"\n");
    assert!(err.contains("srtp") && err.contains("always"), "{err}");
}

#[test]
fn bad_route_target_is_named() {
    let err = config_error("[[routes]]\nuser_prefix = \"\"\ntarget = \"pbx.example\"\n");
    assert!(err.contains("routes[0].target"), "{err}");
    let err = config_error("[[routes]]\ntarget = \"sip:127.0.0.1:5070\"\ncodecs = [\"g729\"]\n");
    assert!(err.contains("routes[0].codecs") && err.contains("g729"), "{err}");
    let err = config_error(
        "[[routes]]\ntarget = \"sip:127.0.0.1:5070\"\nauth = { user = \"a\", password_file = \"/nonexistent\", refused = 486 }\n",
    );
    assert!(
        err.contains("routes[0].auth.refused") && err.contains("403 or 503"),
        "{err}"
    );
    let out = Command::new(BIN)
        .args(["--sip", "127.0.0.1:0", "--route", "tel:+15551234"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--route tel:+15551234") && err.contains("target"), "{err}");
}

/// Issue #21: while calls are up, the status line shows the media
/// workers' live packet rates (the RTP totals count ended calls only).
#[test]
fn the_status_line_shows_live_packet_rates_while_calls_are_up() {
    use std::io::{BufRead, BufReader};
    let mut f = tempfile();
    writeln!(f.1, "[media]\nport_min = 31400\nport_max = 31800").unwrap();
    let port = free_port();
    let mut gw = Command::new(BIN)
        .args([
            "--sip",
            &format!("127.0.0.1:{port}"),
            "--config",
            &f.0,
            "--log-level",
            "warn",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_answering(port);
    let server = format!("127.0.0.1:{port}");
    let mut load = Command::new(env!("CARGO_BIN_EXE_rvoip-rtpload"))
        .args(["--sip", &server, "--calls", "4", "--duration", "4"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // 4 calls echoed at 50 packets/s each: 200 in and 200 out a second.
    let field = |line: &str, key: &str| -> u64 {
        let v = line
            .split(' ')
            .find_map(|kv| kv.strip_prefix(key))
            .unwrap_or_else(|| panic!("{key} in {line}"));
        v.parse().unwrap()
    };
    let mut live = None;
    for line in BufReader::new(gw.stderr.take().unwrap()).lines().take(20) {
        let line = line.unwrap();
        if line.starts_with("calls=4 ") && field(&line, "pps_in=") > 0 {
            live = Some(line);
            break;
        }
    }
    let _ = load.wait();
    gw.kill().unwrap();
    let _ = gw.wait();
    let line = live.expect("a status line with the 4 calls up and packets moving");
    assert!(field(&line, "pps_out=") > 0, "{line}");
    assert_eq!(field(&line, "rtp_in="), 0, "no call has ended yet: {line}");
    assert!(line.contains(" drops_ps=") && line.contains(" late_ps="), "{line}");
}

/// Reads stderr lines of a child until one contains `needle`.
fn wait_line(lines: &mut impl Iterator<Item = std::io::Result<String>>, needle: &str) -> String {
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains(needle) {
            return line;
        }
    }
    panic!("no line with {needle:?}");
}

#[test]
fn metrics_endpoint_cdr_file_and_sigterm_drain() {
    use std::io::{BufRead, BufReader, Read};
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("rvoip-cdr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cdr = dir.join("cdr.jsonl");
    let cfg = dir.join("gw.toml");
    std::fs::write(
        &cfg,
        format!(
            "[metrics]\nlisten = \"127.0.0.1:0\"\n[cdr]\nfile = \"{}\"\n[limits]\ndrain_secs = 1\n",
            cdr.display()
        ),
    )
    .unwrap();
    let mut gw = Command::new(BIN)
        .args(["--sip", &format!("127.0.0.1:{port}"), "--config", cfg.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(gw.stderr.take().unwrap()).lines();
    let line = wait_line(&mut lines, "metrics on http://");
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .trim_end_matches("/metrics")
        .to_owned();
    wait_line(&mut lines, "listening");
    let out = Command::new(BIN)
        .args([
            "call",
            &format!("sip:echo@127.0.0.1:{port}"),
            "--count",
            "10",
            "--rate",
            "100",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    // The status line ticks once a second; wait for the calls to be counted.
    wait_line(&mut lines, "echoed=10");
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    std::io::Write::write_all(&mut conn, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut page = String::new();
    conn.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("rvoip_calls_total{outcome=\"echoed\"} 10"), "{page}");
    assert!(
        page.contains("rvoip_media_added_latency_seconds_bucket{worker=\"0\",le=\"+Inf\"}"),
        "{page}"
    );

    // SIGTERM: drain (nothing left), exit 0, CDRs flushed.
    unsafe { libc_kill(gw.id() as i32, 15) };
    let status = gw.wait().unwrap();
    assert!(status.success(), "SIGTERM exits 0 after the drain: {status:?}");
    let text = std::fs::read_to_string(&cdr).unwrap();
    let records: Vec<&str> = text.lines().collect();
    assert_eq!(records.len(), 10, "one CDR per call:\n{text}");
    assert!(
        records.iter().all(
            |r| r.contains("\"direction\":\"in\"") && r.contains("\"end\":\"remote_bye\"")
                // The peer's address as text, `ip:port`.
                && r.contains("\"peer\":\"127.0.0.1:")
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

/// `rvoip-gw call --play --record`: each call sends a WAV and records what
/// it hears; against the echo service the recording is the prompt back.
/// A WAV at another rate is refused naming it.
#[test]
fn call_subcommand_plays_and_records_wavs() {
    let mut f = tempfile();
    writeln!(f.1, "[media]\nport_min = 31400\nport_max = 31600").unwrap();
    let (port, mut gw) = gateway_on_defaults(&["--config", &f.0]);
    let dir = std::env::temp_dir().join(format!("rvoip-cli-audio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prompt = prompt_wav(&dir);
    let (uri, rec) = (format!("sip:echo@127.0.0.1:{port}"), dir.join("rec"));
    // The caller's media ports apart from the gateway's.
    let mut caller = tempfile();
    writeln!(caller.1, "[media]\nport_min = 31600\nport_max = 31800").unwrap();
    let out = Command::new(BIN)
        .args(["call", &uri, "--count", "2", "--duration", "2"])
        .args(["--play", prompt.to_str().unwrap(), "--record", rec.to_str().unwrap()])
        .args(["--config", &caller.0])
        .output()
        .unwrap();
    let bad = Command::new(BIN)
        .args([
            "call",
            &uri,
            "--audio-rate",
            "16000",
            "--play",
            prompt.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    gw.kill().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    for n in 1..=2 {
        let r = hound::WavReader::open(rec.join(format!("call-{n}.wav"))).unwrap();
        let x: Vec<f64> = r.into_samples::<i16>().map(|s| f64::from(s.unwrap())).collect();
        assert!(x.len() >= 8000, "call {n} recorded {} samples", x.len());
        let tail = &x[x.len() - 4000..];
        assert!(tone::share_1k(tail) > 0.9, "call {n} heard its prompt back");
        assert!(tone::rms(tail) > 2000.0, "level {}", tone::rms(tail));
    }
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success() && err.contains("prompt.wav") && err.contains("8000 Hz"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A `ws://` route: rvoip-gw bridges each call's audio to a WebSocket
/// server (here one that sends every frame back), so `rvoip-gw call
/// --play` records its own prompt; the server sees `start` and `stop`.
#[test]
fn a_ws_route_bridges_calls_to_a_websocket_server() {
    use futures_util::{SinkExt, StreamExt};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ws_addr = listener.local_addr().unwrap();
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = events.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
                    while let Some(Ok(msg)) = ws.next().await {
                        if msg.is_text() {
                            seen.lock().unwrap().push(msg.to_text().unwrap().to_owned());
                        } else if msg.is_binary() {
                            let _ = ws.send(msg).await;
                        }
                    }
                });
            }
        });
    });
    let mut f = tempfile();
    writeln!(
        f.1,
        "[media]\nport_min = 31800\nport_max = 31900\n[[routes]]\nuser_prefix = \"\"\ntarget = \"ws://{ws_addr}/calls\"\naudio_rate = 16000"
    )
    .unwrap();
    let (port, mut gw) = gateway_on_defaults(&["--config", &f.0]);
    let dir = std::env::temp_dir().join(format!("rvoip-cli-ws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prompt = prompt_wav(&dir);
    let mut caller = tempfile();
    writeln!(caller.1, "[media]\nport_min = 31900\nport_max = 32000").unwrap();
    let rec = dir.join("rec");
    let out = Command::new(BIN)
        .args([
            "call",
            &format!("sip:bot@127.0.0.1:{port}"),
            "--count",
            "1",
            "--duration",
            "2",
        ])
        .args(["--play", prompt.to_str().unwrap(), "--record", rec.to_str().unwrap()])
        .args(["--config", &caller.0])
        .output()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    gw.kill().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let r = hound::WavReader::open(rec.join("call-1.wav")).unwrap();
    let x: Vec<f64> = r.into_samples::<i16>().map(|s| f64::from(s.unwrap())).collect();
    assert!(x.len() >= 8000, "recorded {} samples", x.len());
    assert!(
        tone::share_1k(&x[x.len() - 4000..]) > 0.9,
        "the prompt came back through the server"
    );
    let ev = events.lock().unwrap().clone();
    assert!(
        ev.first()
            .is_some_and(|s| s.contains("\"start\"") && s.contains("L16") && s.contains("\"rate\":16000")),
        "the route's audio_rate: {ev:?}"
    );
    assert!(ev.last().is_some_and(|s| s.contains("\"stop\"")), "{ev:?}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A second of 1 kHz tone as a 16-bit mono 8 kHz WAV in `dir`.
fn prompt_wav(dir: &std::path::Path) -> std::path::PathBuf {
    let prompt = dir.join("prompt.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&prompt, spec).unwrap();
    for s in tone::tone(8000, 8000.0) {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    prompt
}

/// IPv6 in the configuration: `sip.listen` and `media.address` take one
/// address or one per IP family, route targets may be IPv6 literals; a
/// bad one stops start-up naming its key.
#[test]
fn ipv6_listeners_and_targets_are_accepted_and_bad_ones_named() {
    let err = config_error("[sip]\nlisten = \"[::1]\"\n");
    assert!(err.contains("sip.listen") && err.contains("[::1]"), "{err}");
    let err = config_error("[sip]\nlisten = [\"127.0.0.1:5060\", \"127.0.0.2:5060\"]\n");
    assert!(
        err.contains("sip.listen") && err.contains("one IPv4 and one IPv6"),
        "{err}"
    );
    let err = config_error("[sip]\nlisten = [\"[::1]:5060\", \"::1:5061\"]\n");
    assert!(err.contains("sip.listen[1]") && err.contains("::1:5061"), "{err}");
    let err = config_error("[media]\naddress = [\"::1\", \"fe80::1\"]\n");
    assert!(
        err.contains("media.address") && err.contains("one IPv4 and one IPv6"),
        "{err}"
    );
    let err = config_error("[media]\naddress = \"::\"\n");
    assert!(err.contains("media.address") && err.contains("hold"), "{err}");
    // An IPv6 target needs an IPv6 listener (the default is 127.0.0.1 only).
    let err = config_error("[[routes]]\ntarget = \"sip:[::1]:5080\"\n");
    assert!(err.contains("routes[0].target") && err.contains("IPv6"), "{err}");
    let err = config_error("[[routes]]\ntarget = \"sip:[::1:5080\"\n");
    assert!(err.contains("routes[0].target"), "{err}");
    let out = Command::new(BIN)
        .args(["--sip", "127.0.0.1:0", "--sip", "127.0.0.2:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--sip") && err.contains("sip.listen"), "{err}");
    if UdpSocket::bind("[::1]:0").is_err() {
        return eprintln!("SKIPPED the [::1] gateway: no IPv6 loopback on this host");
    }
    // Listening on both, with an IPv6 route target: it starts and answers
    // over IPv6.
    let mut f = tempfile();
    f.1.write_all(b"[[routes]]\nuser_prefix = \"six\"\ntarget = \"sip:[::1]:5080\"\n")
        .unwrap();
    let port = free_port();
    let mut gw = Command::new(BIN)
        .args([
            "--config",
            &f.0,
            "--sip",
            &format!("[::1]:{port}"),
            "--sip",
            "127.0.0.1:0",
        ])
        .args(["--log-level", "warn"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(gw.stderr.take().unwrap()));
    let line = wait_line(&mut lines, "listening");
    assert!(line.contains(&format!("[::1]:{port} and 127.0.0.1:")), "{line}");
    let sock = UdpSocket::bind("[::1]:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let me = sock.local_addr().unwrap();
    let probe = format!(
        "OPTIONS sip:ping@[::1]:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKv6probe\r\n\
         Max-Forwards: 70\r\nFrom: <sip:probe@{me}>;tag=p\r\nTo: <sip:ping@[::1]:{port}>\r\n\
         Call-ID: v6-probe\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    );
    sock.send_to(probe.as_bytes(), ("::1", port)).unwrap();
    let mut buf = [0u8; 2048];
    let n = sock.recv(&mut buf).expect("an answer over IPv6");
    assert!(
        buf[..n].starts_with(b"SIP/2.0 200"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    let _ = gw.kill();
    let _ = gw.wait();
}

/// A media port range inside the kernel's ephemeral ports draws one
/// warning at start naming the keys (any outgoing socket may take a call's
/// port); a range below it draws none; both gateways serve.
#[test]
fn media_ports_inside_the_ephemeral_range_are_warned_of_at_start() {
    let eph = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let eph: Vec<u16> = eph.split_whitespace().filter_map(|p| p.parse().ok()).collect();
    let reserved = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_reserved_ports").unwrap_or_default();
    if !reserved.trim().is_empty() {
        return; // which ports are exposed then is the unit test's matter
    }
    let dir = std::env::temp_dir();
    for (min, max) in [(40000u16, 40100u16), (30600, 30700)] {
        let mut f = tempfile();
        writeln!(f.1, "[media]\nport_min = {min}\nport_max = {max}").unwrap();
        let port = free_port();
        let log_path = dir.join(format!("rvoip-cli-{}-eph-{min}.log", std::process::id()));
        let mut gw = Command::new(BIN)
            .args(["--config", &f.0, "--sip", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap();
        wait_until_answering(port);
        gw.kill().unwrap();
        gw.wait().unwrap();
        let logged = std::fs::read_to_string(&log_path).unwrap();
        let _ = std::fs::remove_file(&log_path);
        let said: Vec<_> = logged.lines().filter(|l| l.contains("ephemeral range")).collect();
        let inside = eph.len() == 2 && eph[0] < max && eph[1] >= min;
        assert_eq!(said.len(), usize::from(inside), "{min}-{max} against {eph:?}: {logged}");
        if inside {
            let line = said[0];
            assert!(
                line.contains("WARN") && line.contains("media.port_min") && line.contains("100 ports"),
                "{line}"
            );
            assert!(line.contains(&format!("below {}", eph[0])), "{line}");
        }
    }
}

/// SIGINT after calls have come and gone: every call ended at once, the
/// gateway says so and exits 0.
#[test]
fn sigint_ends_every_call_and_exits() {
    use std::io::{BufRead, BufReader};
    let port = free_port();
    let mut gw = Command::new(BIN)
        .args(["--sip", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(gw.stderr.take().unwrap()).lines();
    wait_line(&mut lines, "listening");
    let uri = format!("sip:echo@127.0.0.1:{port}");
    let out = Command::new(BIN)
        .args(["call", &uri, "--count", "3", "--rate", "100"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    wait_line(&mut lines, "echoed=3");
    unsafe { libc_kill(gw.id() as i32, 2) };
    wait_line(&mut lines, "SIGINT, ending every call");
    wait_line(&mut lines, "rvoip-gw stopped");
    assert!(gw.wait().unwrap().success());
}
