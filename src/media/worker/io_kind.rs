//! Which interface a worker reads and writes its sockets through
//! (`media.io`): io_uring, where one system call carries many calls'
//! packets, or epoll readiness with `recvmmsg`/`sendmmsg` per socket.

use std::fmt;
use std::str::FromStr;

/// A worker's socket I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MediaIo {
    /// io_uring: a multishot receive armed on every socket into one
    /// ring of provided buffers, the sends of a batch submitted
    /// together (Linux 6.1 or later; falls back to epoll, once said,
    /// where the ring cannot be set up). The default: it costs about
    /// 0.7-0.8 times epoll's CPU per relayed packet (perf/README.md).
    #[default]
    Uring,
    /// epoll (mio) readiness, each ready socket drained with `recvmmsg`
    /// and its relayed packets sent with `sendmmsg`.
    Epoll,
}

impl MediaIo {
    /// The name `media.io` takes.
    pub fn name(self) -> &'static str {
        match self {
            MediaIo::Uring => "uring",
            MediaIo::Epoll => "epoll",
        }
    }
}

impl FromStr for MediaIo {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "uring" => Ok(MediaIo::Uring),
            "epoll" => Ok(MediaIo::Epoll),
            _ => Err(format!("{s:?} is neither \"uring\" nor \"epoll\"")),
        }
    }
}

impl fmt::Display for MediaIo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl MediaIo {
    /// Says, once per plane, which I/O its workers use (and why not io_uring
    /// when it was `asked` for and refused); returns it, for the other workers.
    pub(crate) fn say(asked: MediaIo, (got, refused): (MediaIo, Option<std::io::Error>)) -> MediaIo {
        match refused {
            Some(e) => tracing::warn!("media.io = \"{asked}\": io_uring unavailable ({e}); media workers use epoll"),
            None => tracing::info!(
                "media I/O: {}",
                if got == MediaIo::Uring { "io_uring" } else { "epoll" }
            ),
        }
        got
    }
}
