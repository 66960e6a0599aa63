//! What a completion is for, carried in its `user_data`: a receive on a
//! port (with the generation of the socket it was armed on, so that a
//! completion for a socket since closed is recognised and ignored), the
//! send of a provided buffer or of one of the worker's own, the wake-up
//! poll, or a cancellation.

/// A completion's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// A datagram (or the end) of the multishot receive on `port`, armed
    /// on that port's socket number `gen`.
    Recv {
        /// The socket's port (RTP even, RTCP odd).
        port: u16,
        /// Which socket on that port.
        generation: u32,
    },
    /// The send of the packet in buffer `bid`.
    Send {
        /// The provided buffer it was sent from.
        bid: u16,
    },
    /// The send of a packet the worker wrote, in its own buffer `slot`.
    SendOut {
        /// The buffer of the worker's pool it was sent from.
        slot: u16,
    },
    /// The worker's command queue was signalled.
    Wake,
    /// A receive's cancellation was carried out.
    Cancel,
}

const RECV: u64 = 1;
const SEND: u64 = 2;
const WAKE: u64 = 3;
const CANCEL: u64 = 4;
const SEND_OUT: u64 = 5;

impl Tag {
    /// As `user_data`: kind in the top byte, then the generation, then
    /// the port or buffer.
    pub fn encode(self) -> u64 {
        match self {
            Tag::Recv { port, generation } => RECV << 56 | u64::from(generation) << 16 | u64::from(port),
            Tag::Send { bid } => SEND << 56 | u64::from(bid),
            Tag::SendOut { slot } => SEND_OUT << 56 | u64::from(slot),
            Tag::Wake => WAKE << 56,
            Tag::Cancel => CANCEL << 56,
        }
    }

    /// Back from `user_data`; `None` for what this worker never tags.
    pub fn decode(data: u64) -> Option<Tag> {
        let low = data as u16;
        match data >> 56 {
            RECV => Some(Tag::Recv {
                port: low,
                generation: (data >> 16) as u32,
            }),
            SEND => Some(Tag::Send { bid: low }),
            SEND_OUT => Some(Tag::SendOut { slot: low }),
            WAKE => Some(Tag::Wake),
            CANCEL => Some(Tag::Cancel),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_survive_the_round_trip() {
        for t in [
            Tag::Recv {
                port: 65535,
                generation: u32::MAX,
            },
            Tag::SendOut { slot: 511 },
            Tag::Recv { port: 0, generation: 0 },
            Tag::Send { bid: 4095 },
            Tag::Wake,
            Tag::Cancel,
        ] {
            assert_eq!(Tag::decode(t.encode()), Some(t));
        }
        assert_eq!(Tag::decode(0), None);
    }
}
