//! A parsed, validated message, typed by kind: what the transaction layer
//! hands up is an [`IncomingRequest`] or an [`IncomingResponse`], so no
//! layer above matches on `SipMessage` again.

use super::{Core, Request, Response, SipMessage};

/// A validated request and the fields every layer above matches on.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// The request.
    pub req: Request,
    /// Its validated essentials.
    pub core: Core,
}

/// A validated response and the fields every layer above matches on.
#[derive(Debug, Clone)]
pub struct IncomingResponse {
    /// The response.
    pub resp: Response,
    /// Its validated essentials.
    pub core: Core,
}

/// Either, as the transport delivers them.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A request.
    Request(IncomingRequest),
    /// A response.
    Response(IncomingResponse),
}

impl Incoming {
    /// `msg` with the essentials `validate` found in it.
    pub fn new(msg: SipMessage, core: Core) -> Self {
        match msg {
            SipMessage::Request(req) => Incoming::Request(IncomingRequest { req, core }),
            SipMessage::Response(resp) => Incoming::Response(IncomingResponse { resp, core }),
        }
    }

    /// Its validated essentials.
    pub fn core(&self) -> &Core {
        match self {
            Incoming::Request(r) => &r.core,
            Incoming::Response(r) => &r.core,
        }
    }
}

impl IncomingRequest {
    /// Value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        super::header_in(&self.req.headers, name)
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.req.body).ok().filter(|t| !t.is_empty())
    }
}

impl IncomingResponse {
    /// The status number.
    pub fn code(&self) -> u16 {
        self.resp.status_code.code()
    }

    /// Value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        super::header_in(&self.resp.headers, name)
    }

    /// All values of the headers named `name`, in order.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        super::headers_in(&self.resp.headers, name)
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.resp.body).ok().filter(|t| !t.is_empty())
    }
}
