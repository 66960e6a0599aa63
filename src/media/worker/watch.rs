//! How a worker comes to read a socket and stops: registered with its
//! epoll under the port's token, or a multishot receive armed on its
//! io_uring (cancelled, before the socket is closed, when it is let go).

use super::{MediaIo, Worker};
use mio::net::UdpSocket;
use mio::{Interest, Token};
use std::os::fd::AsRawFd;

impl Worker {
    /// Sets up the I/O its settings ask for, on the thread that will run
    /// it (an io_uring belongs to the thread that made it: the kernel
    /// signals that thread when the ring goes); returns the I/O it uses,
    /// and why not io_uring when that was asked for and refused.
    pub fn open_io(&mut self) -> (MediaIo, Option<std::io::Error>) {
        let (uring, refused) = super::uring::Uring::choose(self.cfg.io, self.poll.as_raw_fd());
        self.uring = uring;
        (self.io(), refused)
    }

    /// The I/O it uses.
    pub fn io(&self) -> MediaIo {
        if self.uring.is_some() {
            MediaIo::Uring
        } else {
            MediaIo::Epoll
        }
    }

    /// Starts reading socket `s`, bound to `port`.
    pub(super) fn watch(&mut self, port: u16, s: &mut UdpSocket) -> std::io::Result<()> {
        match self.uring.as_mut() {
            Some(u) => {
                u.ring.arm(port, s.as_raw_fd());
                Ok(())
            }
            None => self
                .poll
                .registry()
                .register(s, Token(usize::from(port)), Interest::READABLE),
        }
    }

    /// Stops reading socket `s`, bound to `port`, which is to be closed.
    pub(super) fn unwatch(&mut self, port: u16, s: &mut UdpSocket) {
        match self.uring.as_mut() {
            Some(u) => u.ring.disarm(port),
            None => {
                let _ = self.poll.registry().deregister(s);
            }
        }
    }
}
