//! Validation of a loaded configuration: every error names its key.

use crate::config::Config;
use std::net::SocketAddr;

pub fn check(cfg: &Config) -> Result<(), String> {
    crate::listen::check(cfg)?;
    let m = &cfg.media;
    if m.port_min >= m.port_max || m.port_max - m.port_min < 4 {
        return Err(format!(
            "media.port_min ({}) must be below media.port_max ({}) by at least 4",
            m.port_min, m.port_max
        ));
    }
    check_codecs("media.codecs", &m.codecs)?;
    if !cfg.metrics.listen.is_empty() && cfg.metrics.listen.parse::<SocketAddr>().is_err() {
        return Err(format!(
            "metrics.listen: {:?} is not an address like 127.0.0.1:9464",
            cfg.metrics.listen
        ));
    }
    if m.realtime_priority > 99 {
        return Err(format!(
            "media.realtime_priority ({}) must be 0 (normal) or a SCHED_FIFO priority 1-99",
            m.realtime_priority
        ));
    }
    if m.timeout_secs == 0 {
        return Err("media.timeout_secs must be at least 1".into());
    }
    if m.max_delay_ms > 1000 {
        return Err(format!(
            "media.max_delay_ms ({}) must be 0 (off) or 1-1000: a voice packet older than a second is lost",
            m.max_delay_ms
        ));
    }
    if m.transcoders > 64 {
        return Err(format!(
            "media.transcoders ({}) must be 0 (inline on the media workers) or 1-64 threads",
            m.transcoders
        ));
    }
    if m.opus_complexity > 10 {
        return Err(format!(
            "media.opus_complexity ({}) must be 0-10 (libopus's encoder complexity)",
            m.opus_complexity
        ));
    }
    if m.opus_bitrate != 0 && !(6_000..=510_000).contains(&m.opus_bitrate) {
        return Err(format!(
            "media.opus_bitrate ({}) must be 0 (libopus's choice) or 6000-510000 bit/s",
            m.opus_bitrate
        ));
    }
    if let Err(e) = m.io.parse::<rvoip::media::MediaIo>() {
        return Err(format!("media.io: {e}"));
    }
    if let Err(e) = m.kernel.parse::<rvoip::media::MediaKernel>() {
        return Err(format!("media.kernel: {e}"));
    }
    if m.codecs.is_empty() {
        return Err("media.codecs: at least one codec".into());
    }
    let t = &cfg.timers;
    if t.t1_ms == 0 || t.t2_ms < t.t1_ms || t.t4_ms == 0 {
        return Err("timers: need t1_ms > 0, t2_ms >= t1_ms, t4_ms > 0".into());
    }
    if t.min_se_s < 90 || (t.session_expires_s != 0 && t.session_expires_s < t.min_se_s) {
        return Err(format!(
            "timers.min_se_s ({}) must be at least 90 (RFC 4028), and timers.session_expires_s ({}) 0 or at least min_se_s",
            t.min_se_s, t.session_expires_s
        ));
    }
    if cfg.sip.threads > 64 {
        return Err(format!(
            "sip.threads ({}) must be 64 or fewer (0 = one per core)",
            cfg.sip.threads
        ));
    }
    crate::dns::load(&cfg.dns)?;
    if cfg.limits.max_calls == 0 {
        return Err("limits.max_calls must be at least 1".into());
    }
    for (i, r) in cfg.routes.iter().enumerate() {
        match (r.reject, r.target.as_deref()) {
            (Some(s), None) if (300..700).contains(&s) => {}
            (Some(s), None) => {
                return Err(format!("routes[{i}].reject: {s} is not a final status 300-699"));
            }
            (None, Some("echo")) => {}
            (None, Some("registered")) if cfg.registrar.enabled => {}
            (None, Some("registered")) => {
                return Err(format!(
                    "routes[{i}].target: \"registered\" needs registrar.enabled = true"
                ));
            }
            (None, Some(t)) if rvoip::api::is_reachable_target(t) => {}
            (None, Some(t)) if (t.starts_with("ws://") && t.len() > 5) || (t.starts_with("wss://") && t.len() > 6) => {}
            (None, Some(t)) => {
                return Err(format!(
                    "routes[{i}].target: {t:?} is neither \"echo\", \"registered\", a sip: or sips: URI (an IP address or a host name) nor a ws:// or wss:// URL"
                ));
            }
            _ => return Err(format!("routes[{i}]: give exactly one of reject or target")),
        }
        check_codecs(&format!("routes[{i}].codecs"), &r.codecs)?;
        if ![8000, 16000, 48000].contains(&r.audio_rate) {
            return Err(format!(
                "routes[{i}].audio_rate ({}): 8000, 16000 or 48000",
                r.audio_rate
            ));
        }
        let tls = r.target.as_deref().is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            t.starts_with("sips:") || t.contains(";transport=tls")
        });
        let uri = r
            .target
            .as_deref()
            .is_some_and(|t| t.starts_with("sip:") || t.starts_with("sips:"));
        if r.srtp != crate::srtp::Srtp::Off && !uri {
            return Err(format!(
                "routes[{i}].srtp: only a bridge to a SIP URI has a leg of its own to protect (the echo answers the caller's offer; registered Contacts are called without SRTP)"
            ));
        }
        if r.srtp != crate::srtp::Srtp::Off && uri && !tls && !r.sdes_in_clear {
            return Err(format!(
                "routes[{i}].srtp: SRTP keys (SDES) go in the SIP, and the target is not sips: or ;transport=tls; \
                 call it over TLS or set routes[{i}].sdes_in_clear = true"
            ));
        }
        if let Some(dir) = &r.capture_dir {
            check_capture_dir(&format!("routes[{i}].capture_dir"), dir, r)?;
        }
        if let Some((j, s)) = r
            .sources
            .iter()
            .enumerate()
            .find(|(_, s)| crate::access::net(s).is_none())
        {
            return Err(format!(
                "routes[{i}].sources[{j}]: {s:?} is not an address or a CIDR block"
            ));
        }
    }
    Ok(())
}

/// A capture directory: made if missing, and written to (a file made and
/// removed), on a route whose calls have media of ours.
fn check_capture_dir(key: &str, dir: &str, r: &crate::config::Route) -> Result<(), String> {
    let app = r.target.as_deref().is_some_and(|t| t.starts_with("ws"));
    if r.reject.is_some() || app {
        return Err(format!(
            "{key}: only echo, registered and SIP targets are captured (a rejected call has no media; a ws:// call is the application's: capture it with the API's capture_call)"
        ));
    }
    let probe = std::path::Path::new(dir).join(".rvoip-capture-check");
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&probe, b""))
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| format!("{key}: {dir}: {e}"))
}

fn check_codecs(key: &str, codecs: &[String]) -> Result<(), String> {
    for c in codecs {
        if !["pcmu", "pcma", "opus"].contains(&c.to_ascii_lowercase().as_str()) {
            return Err(format!("{key}: unknown codec {c:?} (PCMU, PCMA, opus)"));
        }
    }
    Ok(())
}
