//! The forwarding entries the kernel holds (`rtp_fwd`): installed when a
//! call's direction can be relayed in the kernel, read for its counters,
//! removed when the worker takes the direction back.

use super::KernelError;
use super::entry::{ForwardEntry, ForwardKey};
use aya::maps::{HashMap, IterableMap, MapData, MapError};
use std::net::SocketAddrV4;
use std::os::fd::AsFd;

/// A handle on the program's forwarding map; each worker opens its own
/// ([`ForwardMap::try_clone`]).
pub struct ForwardMap(HashMap<MapData, ForwardKey, ForwardEntry>);

impl ForwardMap {
    /// Wraps the program's `rtp_fwd` map.
    pub(super) fn new(map: aya::maps::Map) -> Result<Self, KernelError> {
        HashMap::try_from(map).map(ForwardMap).map_err(|e| KernelError::Map {
            name: "rtp_fwd",
            reason: e.to_string(),
        })
    }

    /// Another handle on the same map (for another worker).
    pub fn try_clone(&self) -> Result<Self, KernelError> {
        let fd = self
            .0
            .map()
            .fd()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| KernelError::Map {
                name: "rtp_fwd",
                reason: e.to_string(),
            })?;
        ForwardMap::new(aya::maps::Map::HashMap(MapData::from_fd(fd)?))
    }

    /// Forwards what reaches our socket `local` from `peer` as `entry`
    /// says, and marks `local` forwarded so any other source is counted
    /// as a stranger. Replaces an entry of the same key (its counters
    /// start again).
    pub fn install(&mut self, local: SocketAddrV4, peer: SocketAddrV4, entry: ForwardEntry) -> Result<(), KernelError> {
        self.0.insert(ForwardKey::guard(local), ForwardEntry::guard(), 0)?;
        self.0.insert(ForwardKey::new(local, peer), entry, 0)?;
        Ok(())
    }

    /// The entry for `local` from `peer` as the kernel has it now, with
    /// its counters; `None` if there is none.
    pub fn get(&self, local: SocketAddrV4, peer: SocketAddrV4) -> Result<Option<ForwardEntry>, KernelError> {
        match self.0.get(&ForwardKey::new(local, peer), 0) {
            Ok(e) => Ok(Some(e)),
            Err(MapError::KeyNotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Stops forwarding `local` from `peer` (and guarding `local`): its
    /// packets reach the worker again. Returns the entry's last state
    /// (its counters, the last numbers sent), if it was there.
    pub fn remove(&mut self, local: SocketAddrV4, peer: SocketAddrV4) -> Result<Option<ForwardEntry>, KernelError> {
        let last = self.get(local, peer)?;
        for key in [ForwardKey::new(local, peer), ForwardKey::guard(local)] {
            match self.0.remove(&key) {
                Ok(()) | Err(MapError::KeyNotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(last)
    }
}
