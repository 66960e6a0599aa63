//! A parsed, validated message, typed by kind: what the transaction layer
//! hands up is an [`IncomingRequest`] or an [`IncomingResponse`], so no
//! layer above matches on the start line again.

use super::{Core, Message, Method, Start};

/// A validated request and the fields every layer above matches on.
#[derive(Debug, Clone)]
pub struct IncomingRequest {
    /// The request.
    pub req: Message,
    /// Its method.
    pub method: Method,
    /// Its validated essentials.
    pub core: Core,
}

/// A validated response and the fields every layer above matches on.
#[derive(Debug, Clone)]
pub struct IncomingResponse {
    /// The response.
    pub resp: Message,
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
    pub fn new(msg: Message, core: Core) -> Self {
        match msg.start() {
            Start::Request(method) => Incoming::Request(IncomingRequest { req: msg, method, core }),
            Start::Response(_) => Incoming::Response(IncomingResponse { resp: msg, core }),
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
        self.req.header(name)
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        self.req.body_text()
    }
}

impl IncomingResponse {
    /// The status number.
    pub fn code(&self) -> u16 {
        self.resp.code()
    }

    /// Value of the first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.resp.header(name)
    }

    /// All values of the headers named `name`, in order.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.resp.headers(name)
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        self.resp.body_text()
    }
}
