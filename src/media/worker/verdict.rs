//! What the relay decided for one received packet: the worker acts on it
//! (sends, or counts a drop) and decides nothing itself.

use super::inbound_rtp::InboundRtp;
use crate::media::Side;
use crate::media::srtp::SrtpError;
use std::net::SocketAddr;

/// What to do with one received packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// RTP rewritten (and re-protected) in place: send the first `len`
    /// bytes of its buffer from leg `out`'s RTP socket to `dest` (it may
    /// wait for the end of the receive batch).
    Rtp {
        /// The leg it leaves on (the one it came from, for an echo).
        out: Side,
        /// Where to.
        dest: SocketAddr,
        /// Bytes to send: SRTP unprotected shortens the packet, protected
        /// lengthens it (the tag).
        len: usize,
    },
    /// RTCP with its SSRCs mapped (and re-protected) in place: send the
    /// first `len` bytes from leg `out`'s RTCP socket (its RTP socket when
    /// muxed) to `dest`.
    Rtcp {
        /// The leg it leaves on.
        out: Side,
        /// Where to.
        dest: SocketAddr,
        /// Bytes to send.
        len: usize,
    },
    /// Voice on a transcoded direction: the worker hands it off as a job
    /// ([`Relay::job`](super::relay::Relay::job)) to be re-coded after the
    /// read's relayed packets are sent, on a transcoder thread or its own.
    /// The packet is left in its buffer unprotected.
    Transcode {
        /// The leg the re-coded packets leave on.
        out: Side,
        /// The voice packet as received.
        rtp: InboundRtp,
    },
    /// Taken by the call itself, nothing to send: on an audio call, voice
    /// decoded for the application, telephone-event (digits reported) and
    /// RTCP.
    Consumed,
    /// Not forwarded.
    Drop(DropReason),
}

/// Why a packet was not forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Not a valid RTP (or RTCP) packet, too short to be SRTP (SRTCP), or
    /// too large to take its tag towards an SRTP leg.
    Malformed,
    /// From a source other than the latched one (RTPBleed).
    Stranger,
    /// The outgoing leg is on hold (we do not send to it).
    Hold,
    /// The outgoing leg has no address yet.
    NoDestination,
    /// RTCP on an echo: it is not reflected.
    NotReflected,
    /// The call has no such leg (an echo has only A).
    NoSuchLeg,
    /// The voice payload could not be re-coded.
    Undecodable,
    /// A payload type not negotiated on the leg it came from, or with no
    /// counterpart on the leg it would go to (telephone-event to a leg
    /// without it): never relayed (issue #16).
    Unnegotiated,
    /// SRTP (SRTCP) whose authentication tag does not match: corrupted or
    /// forged; it neither latches nor reaches the peer.
    SrtpAuth,
    /// SRTP (SRTCP) already received or older than the replay window.
    SrtpReplay,
    /// Voice on an audio call older than (or the same as) the newest
    /// heard: its time has passed.
    Late,
}

impl From<SrtpError> for DropReason {
    fn from(e: SrtpError) -> Self {
        match e {
            SrtpError::Auth => DropReason::SrtpAuth,
            SrtpError::Replay => DropReason::SrtpReplay,
            // No room for the tag: a datagram that filled its buffer.
            SrtpError::Malformed | SrtpError::NoRoom => DropReason::Malformed,
        }
    }
}
