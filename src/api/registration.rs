//! Registrations to trunks as the API shows them.

pub use crate::registrar::RegistrarConfig;
pub use crate::session::{RegistrationConfig, RegistrationState};

/// One registration and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationStatus {
    /// Its address-of-record.
    pub aor: String,
    /// Its state.
    pub state: RegistrationState,
}

impl RegistrationStatus {
    /// Whether the registrar holds our binding now.
    pub fn is_registered(&self) -> bool {
        matches!(self.state, RegistrationState::Registered { .. })
    }
}

impl super::SipUa {
    /// Each configured registration (`ServerConfig::registrations`) and
    /// its state, as the signalling plane last published it.
    pub fn registrations(&self) -> Vec<RegistrationStatus> {
        let list = self.stats.registrations.lock().map(|r| r.clone()).unwrap_or_default();
        list.into_iter()
            .map(|(aor, state)| RegistrationStatus { aor, state })
            .collect()
    }
}
