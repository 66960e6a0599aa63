//! `rvoip-gw`: the SIP media gateway binary.

mod access;
mod auth;
mod call;
mod call_audio;
mod call_pcap;
mod call_report;
mod cdr;
mod check;
mod cluster;
mod config;
mod dns;
mod listen;
mod media_cfg;
mod metrics;
mod registrations;
mod routes;
mod serve;
mod srtp;
mod status;
mod tls;
mod ws;

use clap::{Parser, Subcommand};
use std::net::SocketAddr;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// rvoip-gw: SIP media gateway (B2BUA). With no arguments it listens on
/// 127.0.0.1:5060 (UDP and TCP) and answers every call with its echo
/// service; `--route sip:HOST:PORT` bridges calls there instead.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// SIP listen address (overrides sip.listen); give it twice for an
    /// IPv4 and an IPv6 one, e.g. `--sip 127.0.0.1:5060 --sip [::1]:5060`.
    #[arg(long, global = true)]
    sip: Vec<SocketAddr>,
    /// Bridge every call not matched by a more specific route to this SIP
    /// URI (replaces the catch-all route), e.g. sip:127.0.0.1:5070.
    #[arg(long)]
    route: Option<String>,
    /// TOML configuration file (overrides the embedded default key by key).
    #[arg(long, global = true)]
    config: Option<String>,
    /// Log level: error, warn, info, debug, trace.
    #[arg(long, default_value = "info", global = true)]
    log_level: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Place calls through the client API and report setup times.
    Call(Box<call::CallArgs>),
    /// Print a credentials-file entry (`[auth] credentials`) for USER in
    /// REALM, the password read from standard input; the file keeps only
    /// the HA1 hashes.
    Ha1 {
        /// The user name.
        user: String,
        /// The realm (`auth.realm`).
        #[arg(default_value = "rvoip")]
        realm: String,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log_level).unwrap_or_else(|e| {
        eprintln!("rvoip-gw: --log-level {:?}: {e}", cli.log_level);
        std::process::exit(2)
    });
    // Colours only on a terminal: a log file (read by fail2ban) gets plain
    // lines.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
    rvoip::api::raise_fd_limit();
    rvoip::api::no_huge_pages();
    let text = match &cli.config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) => fail(&format!("--config {path}: {e}")),
        },
        None => None,
    };
    let mut cfg = match config::Config::load(text.as_deref()) {
        Ok(c) => c,
        Err(e) => fail(&format!(
            "configuration {}: {e}",
            cli.config.as_deref().unwrap_or("(default)")
        )),
    };
    if !cli.sip.is_empty() {
        cfg.sip.listen = listen::Strings::Many(cli.sip.iter().map(|a| a.to_string()).collect());
        if let Err(e) = crate::check::check(&cfg) {
            fail(&format!("--sip: {e}"));
        }
    }
    if let Some(uri) = &cli.route
        && let Err(e) = cfg.set_default_route(uri)
    {
        fail(&format!("--route {uri}: {e}"));
    }
    let result = match cli.command {
        None => serve::run(cfg).await,
        Some(Command::Call(args)) => call::run(cfg, *args).await,
        Some(Command::Ha1 { user, realm }) => auth::print_entry(&user, &realm),
    };
    if let Err(e) = result {
        fail(&e);
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("rvoip-gw: {msg}");
    std::process::exit(2)
}
