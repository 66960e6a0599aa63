//! Placing calls from the API: plain, with options, with the call's audio
//! for the application.

use super::{ApiError, SipUa};
use crate::ids::{CallId, TransportKind};
use crate::session::Command;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

impl SipUa {
    /// Sends `digits` (`0`-`9`, `*`, `#`, `A`-`D`) to the call's peer, in
    /// order, each held 100 ms, the way its SDP agreed: as RFC 4733
    /// events (60 ms between digits) when it agreed telephone-event and
    /// the call's audio is running; otherwise as one INFO per digit
    /// (`application/dtmf-relay`, `Signal=5`, `Duration=100`), each sent
    /// once the previous one is answered. Digits for a call not yet
    /// answered are dropped (logged at debug level).
    pub fn send_dtmf(&self, id: CallId, digits: &str) -> Result<(), ApiError> {
        if let Some(bad) = digits.chars().find(|c| !matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')) {
            return Err(ApiError::Config(format!("DTMF digit {bad:?} (0-9, *, #, A-D)")));
        }
        self.send(Command::SendDtmf(id, digits.to_owned()))
    }

    /// Sends an INFO (RFC 6086) in the call's dialog with `body` of type
    /// `content_type` (e.g. `application/dtmf-relay` and
    /// `"Signal=5\r\nDuration=160\r\n"`; no body when it is empty).
    pub fn send_info(&self, id: CallId, content_type: &str, body: &str) -> Result<(), ApiError> {
        self.send(Command::SendInfo(id, content_type.to_owned(), body.to_owned()))
    }

    /// Transfers the far end of answered call `id` to `uri` (a blind
    /// transfer: our REFER, RFC 3515). The far end calls the target;
    /// [`CallEvent::Transferred`](super::CallEvent::Transferred) says how
    /// that ended: on a 2xx the call is hung up (it ends `Transferred`),
    /// otherwise it goes on. One transfer at a time (491 while one is out).
    pub fn transfer_call(&self, id: CallId, uri: &str) -> Result<(), ApiError> {
        if crate::sip::ReferTo::parse(uri).is_err() {
            return Err(ApiError::Config(format!(
                "transfer target {uri:?} (a sip:, sips: or tel: URI)"
            )));
        }
        self.send(Command::Refer(id, uri.to_owned()))
    }

    /// Calls `uri` over the default transport (or the URI's `;transport=`).
    pub fn make_call(&self, uri: &str) -> Result<CallId, ApiError> {
        self.make_call_via(uri, self.transport)
    }

    /// Calls `uri`, over `transport` unless the URI names one.
    pub fn make_call_via(&self, uri: &str, transport: TransportKind) -> Result<CallId, ApiError> {
        let opts = super::CallOptions {
            transport: Some(transport),
            ..Default::default()
        };
        self.make_call_with(uri, &opts)
    }

    /// Calls `uri` as [`make_call_with`](Self::make_call_with) does, with
    /// the call's audio for the application at `cfg.rate` (frames flow once
    /// it is answered; see [`super::CallAudio`]).
    pub fn make_call_audio(
        &self,
        uri: &str,
        opts: &super::CallOptions,
        cfg: super::AudioConfig,
    ) -> Result<(CallId, super::CallAudio), ApiError> {
        if !cfg.is_valid() {
            return Err(ApiError::Config(format!(
                "audio rate {} (8000, 16000 or 48000) and a queue of at least one frame",
                cfg.rate
            )));
        }
        let (attach, audio) = crate::media::audio::pipes(cfg);
        let id = self.place(uri, opts, Some(attach))?;
        Ok((id, audio))
    }

    /// Calls `uri` offering `opts.codecs` (names: `PCMU`, `PCMA`, `opus`;
    /// empty: the configured list); with `opts.echo` sends the media it
    /// receives back once answered, with `opts.signalling_only` binds none,
    /// else binds the call's audio for [`take_audio`](Self::take_audio).
    pub fn make_call_with(&self, uri: &str, opts: &super::CallOptions) -> Result<CallId, ApiError> {
        if opts.echo || opts.signalling_only {
            return self.place(uri, opts, None);
        }
        let id = CallId(self.next_id.fetch_add(1, Relaxed));
        let attach = self.shelf.bind(id);
        self.place_as(id, uri, opts, Some(attach))
            .inspect_err(|_| drop(self.shelf.take(id)))
    }

    fn place(
        &self,
        uri: &str,
        opts: &super::CallOptions,
        audio: Option<crate::media::audio::AudioAttach>,
    ) -> Result<CallId, ApiError> {
        let id = CallId(self.next_id.fetch_add(1, Relaxed));
        self.place_as(id, uri, opts, audio)
    }

    fn place_as(
        &self,
        id: CallId,
        uri: &str,
        opts: &super::CallOptions,
        audio: Option<crate::media::audio::AudioAttach>,
    ) -> Result<CallId, ApiError> {
        if let Some(bad) = opts
            .codecs
            .iter()
            .find(|c| crate::media::codec::AudioCodec::from_name(c).is_none())
        {
            return Err(ApiError::Config(format!("unknown codec {bad:?} (PCMU, PCMA, opus)")));
        }
        let mut out = crate::session::Outbound::to(uri.to_owned(), opts.transport.unwrap_or(self.transport));
        if !opts.codecs.is_empty() {
            out.codecs = crate::sdp::Codec::from_names(&opts.codecs);
        }
        if opts.echo {
            out.media = crate::session::MediaMode::Echo;
        }
        out.credentials = opts.credentials.clone().map(Arc::new);
        (out.srtp, out.sdes_in_clear) = (opts.srtp, opts.sdes_in_clear);
        if let Some(attach) = audio {
            out.media = crate::session::MediaMode::Audio;
            out.audio = Some(attach);
        }
        self.send(Command::Place(id, Box::new(out))).map(|_| id)
    }
}
