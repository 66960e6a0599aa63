//! The in-process relay: a media plane started here, and the calls its
//! workers relay between the endpoints.

use super::voice::{OPUS_PT, Voice};
use super::{Args, endpoints};
use rvoip::media::srtp::{Crypto, Suite};
use rvoip::media::{AudioCodec, LegConfig, LegSrtp, MediaCommand, MediaConfig, MediaPlane, OpusSettings, WorkerConfig};
use std::net::SocketAddr;
use std::time::Duration;

/// The relay, and the queue its events go to (held, unread, for the run).
pub fn start_plane(args: &Args) -> (MediaPlane, tokio::sync::mpsc::Receiver<rvoip::media::MediaEvent>) {
    let (tx, events) = tokio::sync::mpsc::channel(65536);
    let worker = WorkerConfig {
        timeout: Duration::from_secs(3600),
        max_delay: Duration::from_millis(args.max_delay_ms),
        busy_poll: Duration::from_micros(args.busy_poll_us),
        io: args.io,
        ip: args.relay_ip,
        opus: OpusSettings {
            complexity: args.opus_complexity,
            bitrate: args.opus_bitrate,
        },
        ..WorkerConfig::default()
    };
    let cfg = MediaConfig {
        workers: args.workers,
        pin: true,
        realtime: args.realtime,
        transcoders: args.transcoders,
        worker,
    };
    let plane = MediaPlane::start(cfg, tx).unwrap_or_else(|e| super::fail(&format!("media plane: {e}")));
    (plane, events)
}

/// Relayed calls on `plane` (or, without one, endpoints paired directly),
/// then the transcoded ones: endpoint 2i is call i's A side, 2i+1 its B
/// side.
pub fn local_targets(
    args: &Args,
    addrs: &[SocketAddr],
    plane: Option<&MediaPlane>,
    eps: &mut endpoints::Endpoints,
) -> Vec<Option<SocketAddr>> {
    let mut t = Vec::with_capacity(addrs.len());
    for i in 0..args.calls + args.transcoded {
        let (a, b) = (addrs[2 * i], addrs[2 * i + 1]);
        let Some(plane) = plane else {
            t.extend([Some(b), Some(a)]);
            continue;
        };
        let (pa, pb) = (args.base_port + 4 * i as u16, args.base_port + 4 * i as u16 + 2);
        let mut leg_a = LegConfig::pcmu(pa, a);
        if args.srtp {
            let key = || Crypto::fresh(1, Suite::AesCm128HmacSha1_80).map(|c| c.key);
            let (Ok(theirs), Ok(ours)) = (key(), key()) else {
                super::fail("no randomness for SRTP keys")
            };
            eps.set_srtp(2 * i, theirs, ours);
            leg_a.srtp = Some(LegSrtp {
                suite: Suite::AesCm128HmacSha1_80,
                rx: theirs,
                tx: ours,
            });
        }
        let mut leg_b = LegConfig::pcmu(pb, b);
        if i >= args.calls {
            (leg_a.codec, leg_b.codec) = (Some(AudioCodec::Pcmu), Some(AudioCodec::Opus));
            (leg_b.codec_pt, leg_b.clock) = (OPUS_PT, 48_000);
            eps.set_voice(2 * i, Voice::Pcmu);
            eps.set_voice(2 * i + 1, Voice::Opus);
        }
        let cmd = MediaCommand::AddCall {
            call: i as u64,
            a: leg_a,
            b: Some(leg_b),
        };
        while plane.submit(cmd.clone()).is_err() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let relay = |p| SocketAddr::new(args.relay_ip, p);
        t.extend([Some(relay(pa)), Some(relay(pb))]);
    }
    t
}
