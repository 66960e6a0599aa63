//! `rvoip-gw call URI`: places calls through the client API at a rate,
//! holds each for a duration (optionally echoing its media, or playing a
//! WAV and recording what it hears, with the codecs offered chosen), and
//! reports setup times. Exits non-zero when
//! any call failed.

use crate::config::Config;
use hdrhistogram::Histogram;
use rvoip::api::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct CallArgs {
    /// Target URI, e.g. sip:echo@127.0.0.1:5060
    uri: String,
    /// Calls to place.
    #[arg(long, default_value_t = 1)]
    count: u64,
    /// Calls per second.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Seconds each answered call is held before BYE.
    #[arg(long, default_value_t = 0.0)]
    duration: f64,
    /// Most calls in progress at once.
    #[arg(long, default_value_t = 1000)]
    concurrency: usize,
    /// Transport: udp or tcp.
    #[arg(long, default_value = "udp")]
    transport: String,
    /// Local address to bind (port 0: ephemeral).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Offer only this codec (PCMU, PCMA, opus); repeat for several.
    #[arg(long = "codec")]
    codecs: Vec<String>,
    /// Send the media each answered call receives back to the far end.
    #[arg(long)]
    echo: bool,
    /// SRTP on the calls: off, optional (RTP/AVP with a=crypto) or
    /// mandatory (RTP/SAVP).
    #[arg(long, default_value = "off")]
    srtp: String,
    /// Offer SDES keys over UDP/TCP (in clear): needed for --srtp without TLS.
    #[arg(long)]
    sdes_in_clear: bool,
    #[command(flatten)]
    audio: crate::call_audio::AudioArgs,
    /// Write each call's RTP/RTCP, both ways, to DIR/call-N.pcap.
    #[arg(long)]
    pcap: Option<std::path::PathBuf>,
    /// Answer a challenge (401/407) as this user.
    #[arg(long)]
    pub auth_user: Option<String>,
    /// The password for --auth-user, first line of this file.
    #[arg(long, requires = "auth_user")]
    pub auth_password_file: Option<String>,
}

#[derive(Default)]
pub struct Tally {
    pub launched: u64,
    pub answered: u64,
    pub failed: u64,
    pub done: u64,
    pub statuses: BTreeMap<u16, u64>,
}

pub async fn run(cfg: Config, args: CallArgs) -> Result<(), String> {
    let transport = match args.transport.as_str() {
        "udp" => Transport::Udp,
        "tcp" => Transport::Tcp,
        t => return Err(format!("--transport {t:?}: expected udp or tcp")),
    };
    if args.rate <= 0.0 || args.concurrency == 0 {
        return Err("--rate and --concurrency must be positive".into());
    }
    let mut server = crate::serve::server_config(&cfg)?;
    server.max_calls = usize::MAX;
    server.media_workers = 1;
    let mut client = create_sip_client(ClientConfig {
        bind: args.bind,
        server,
        transport,
    })
    .await
    .map_err(|e| e.to_string())?;
    let credentials = match (&args.auth_user, &args.auth_password_file) {
        (Some(user), Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--auth-password-file {path}: {e}"))?;
            let password = text.lines().next().unwrap_or("").trim_end().to_owned();
            Some(rvoip::api::ClientCredentials::password(user, &password, None))
        }
        (Some(_), None) => return Err("--auth-user needs --auth-password-file".into()),
        _ => None,
    };
    let opts = CallOptions {
        transport: Some(transport),
        codecs: args.codecs.clone(),
        echo: args.echo,
        credentials,
        srtp: SrtpPolicy::from_name(&args.srtp)
            .ok_or_else(|| format!("--srtp {:?}: expected off, optional or mandatory", args.srtp))?,
        sdes_in_clear: args.sdes_in_clear,
        // Without --play/--record (which place audio calls), --echo or
        // --pcap (silence sent), a load generator as SIPp's uac is:
        // signalling and SDP, no RTP.
        signalling_only: args.pcap.is_none(),
    };
    let mut audio = crate::call_audio::Audio::new(&args.audio)?;
    let mut pcaps = crate::call_pcap::Pcaps::new(args.pcap.as_ref())?;
    let start = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let hold = Duration::from_secs_f64(args.duration);
    let give_up = start
        + interval * args.count as u32
        + hold
        + Duration::from_millis(cfg.timers.t1_ms * 64)
        + Duration::from_secs(5);
    let (mut t, mut next_launch) = (Tally::default(), start);
    let mut started: HashMap<CallId, Instant> = HashMap::new();
    let mut hangups: BinaryHeap<Reverse<(Instant, CallId)>> = BinaryHeap::new();
    let mut setup = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds");
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while t.done < args.count {
        let can_launch = t.launched < args.count && started.len() < args.concurrency;
        let next_hangup = hangups.peek().map_or(give_up, |Reverse((at, _))| *at);
        tokio::select! {
            _ = tokio::time::sleep_until(next_launch.into()), if can_launch => {
                let now = Instant::now();
                while t.launched < args.count && started.len() < args.concurrency && next_launch <= now {
                    let id = match audio.as_mut() {
                        Some(a) => a.place(&client, &args.uri, &opts)?,
                        None => client.make_call_with(&args.uri, &opts).map_err(|e| e.to_string())?,
                    };
                    if let Some(p) = pcaps.as_mut() {
                        p.start(&client, id)?;
                    }
                    started.insert(id, Instant::now());
                    t.launched += 1;
                    next_launch += interval;
                }
            }
            _ = tokio::time::sleep_until(next_hangup.into()), if !hangups.is_empty() => {
                let now = Instant::now();
                while let Some(Reverse((at, id))) = hangups.peek().copied() {
                    if at > now { break; }
                    hangups.pop();
                    let _ = client.end_call(id);
                }
            }
            ev = client.next_event() => match ev {
                Some(CallEvent::Answered(id)) => {
                    if let Some(at) = started.get(&id) {
                        let _ = setup.record(at.elapsed().as_micros().max(1) as u64);
                        t.answered += 1;
                        hangups.push(Reverse((Instant::now() + hold, id)));
                    }
                }
                Some(CallEvent::Failed(id, status)) => {
                    started.remove(&id);
                    *t.statuses.entry(status.code()).or_default() += 1;
                    t.failed += 1;
                    t.done += 1;
                }
                Some(CallEvent::Ended(id, _)) => {
                    started.remove(&id);
                    t.done += 1;
                }
                Some(_) => {}
                None => return Err("signalling stopped".into()),
            },
            _ = tick.tick() => eprintln!("calls: launched={} answered={} failed={} active={}", t.launched, t.answered, t.failed, started.len()),
            _ = tokio::time::sleep_until(give_up.into()) => {
                t.failed += args.count - t.done;
                *t.statuses.entry(0).or_default() += args.count - t.done;
                break;
            }
        }
    }
    if let Some(a) = audio {
        a.report().await;
    }
    if let Some(p) = pcaps {
        p.report().await;
    }
    t.print(start.elapsed().as_secs_f64(), &setup)
}
