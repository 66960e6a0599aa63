//! Runs test functions taking a `MediaIo` once per I/O back-end of the
//! media workers: `on_both_ios!(a, b)` makes `epoll::a`, `uring::a`,
//! `epoll::b` and `uring::b`.

/// Tests `epoll::NAME` and `uring::NAME` calling `NAME(io)`.
macro_rules! on_both_ios {
    ($($name:ident),* $(,)?) => {
        mod epoll {
            $(#[test]
            fn $name() {
                super::$name(rvoip::media::MediaIo::Epoll)
            })*
        }
        mod uring {
            $(#[test]
            fn $name() {
                super::$name(rvoip::media::MediaIo::Uring)
            })*
        }
    };
}
