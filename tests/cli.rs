//! The `rvoip-gw` binary as a user runs it: bad configuration stops start-up
//! naming the key; `rvoip-gw call` places calls against a running gateway.

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
    let path = std::env::temp_dir().join(format!(
        "rvoip-cli-{}-{:?}.toml",
        std::process::id(),
        std::thread::current().id()
    ));
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
    let err = config_error("[[routes]]\nuser_prefix = \"\"\nreject = 200\n");
    assert!(err.contains("routes[0].reject"), "{err}");
    let err = config_error("[timers]\nt1_ms = \"fast\"\n");
    assert!(err.contains("t1_ms"), "{err}");
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

#[test]
fn call_subcommand_against_the_echo_service() {
    let port = free_port();
    let mut gw = Command::new(BIN)
        .args(["--sip", &format!("127.0.0.1:{port}"), "--log-level", "warn"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
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

#[test]
fn bad_route_target_is_named() {
    let err = config_error("[[routes]]\nuser_prefix = \"\"\ntarget = \"pbx.example\"\n");
    assert!(err.contains("routes[0].target"), "{err}");
    let err = config_error("[[routes]]\ntarget = \"sip:127.0.0.1:5070\"\ncodecs = [\"g729\"]\n");
    assert!(err.contains("routes[0].codecs") && err.contains("g729"), "{err}");
    let out = Command::new(BIN)
        .args(["--sip", "127.0.0.1:0", "--route", "sip:nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--route sip:nowhere") && err.contains("target"), "{err}");
}
