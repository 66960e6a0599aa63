//! The TOML configuration: an embedded default, overridden key by key by a
//! file; unknown keys and bad values stop start-up with the key named.

use serde::Deserialize;

/// The embedded default.
pub const DEFAULT: &str = include_str!("default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub sip: Sip,
    pub timers: Timers,
    pub media: crate::media_cfg::Media,
    pub limits: Limits,
    pub echo: Echo,
    pub auth: crate::auth::AuthCfg,
    pub tls: crate::tls::TlsCfg,
    pub registrar: Registrar,
    pub access: crate::access::AccessCfg,
    #[serde(default)]
    pub acl: Vec<crate::access::AclEntry>,
    pub abuse: crate::access::AbuseCfg,
    pub metrics: MetricsCfg,
    pub cdr: crate::cdr::CdrCfg,
    pub dns: crate::dns::DnsCfg,
    pub cluster: crate::cluster::ClusterCfg,
    pub routes: Vec<Route>,
    #[serde(default)]
    pub registrations: Vec<crate::registrations::RegistrationCfg>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registrar {
    pub enabled: bool,
    pub min_expires: u32,
    pub max_expires: u32,
    pub default_expires: u32,
    pub max_contacts: usize,
    pub max_bindings: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsCfg {
    pub listen: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sip {
    /// One address, or one per IP family (see `listen.rs`).
    pub listen: crate::listen::Strings,
    pub tcp: bool,
    pub user: String,
    pub tcp_idle_secs: u64,
    pub tcp_max_connections: usize,
    pub threads: usize,
    pub max_redirects: u8,
    /// SRTP for calls in over UDP/TCP.
    pub srtp: crate::srtp::Srtp,
    /// SDES keys may be answered (and offered) over UDP/TCP.
    pub sdes_in_clear: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timers {
    pub t1_ms: u64,
    pub t2_ms: u64,
    pub t4_ms: u64,
    pub session_expires_s: u32,
    pub min_se_s: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_calls: usize,
    pub calls_per_source: u32,
    pub max_cps: u32,
    pub drain_secs: u64,
    pub overload_delay_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Echo {
    pub ring: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default)]
    pub user_prefix: String,
    pub domain: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    pub reject: Option<u16>,
    pub target: Option<String>,
    #[serde(default)]
    pub transport: Transport,
    #[serde(default)]
    pub codecs: Vec<String>,
    #[serde(default)]
    pub answer_after_ms: u64,
    /// ws:// and wss:// targets: the sample rate of the audio exchanged.
    #[serde(default = "default_audio_rate")]
    pub audio_rate: u32,
    /// Credentials for a target that challenges our INVITE.
    pub auth: Option<crate::auth::RouteAuth>,
    /// SRTP on the leg to the target.
    #[serde(default)]
    pub srtp: crate::srtp::Srtp,
    /// SDES keys may be offered to a target over UDP/TCP.
    #[serde(default)]
    pub sdes_in_clear: bool,
    /// Write each call's media packets to a pcap in this directory.
    pub capture_dir: Option<String>,
    /// Its calls may be transferred (REFER); default true.
    pub transfer: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Udp,
    Tcp,
}

fn default_audio_rate() -> u32 {
    8000
}

/// Merges `over` into `base`, table by table, key by key.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Config {
    /// The default, overridden by `file` if given.
    pub fn load(file: Option<&str>) -> Result<Config, String> {
        let mut table: toml::Table = DEFAULT.parse().map_err(|e| format!("embedded default: {e}"))?;
        if let Some(text) = file {
            let over: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
            merge(&mut table, over);
        }
        let cfg: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        crate::check::check(&cfg)?;
        Ok(cfg)
    }

    /// Replaces the catch-all routes with a bridge to `uri`.
    pub fn set_default_route(&mut self, uri: &str) -> Result<(), String> {
        self.routes
            .retain(|r| !(r.user_prefix.is_empty() && r.domain.is_none()));
        self.routes.push(Route {
            capture_dir: None,
            transfer: None,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            reject: None,
            target: Some(uri.to_owned()),
            transport: Transport::Udp,
            codecs: Vec::new(),
            answer_after_ms: 0,
            audio_rate: 8000,
            auth: None,
            srtp: crate::srtp::Srtp::Off,
            sdes_in_clear: false,
        });
        crate::check::check(self)
    }
}
