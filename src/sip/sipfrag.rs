//! The body of a NOTIFY for a REFER (RFC 3515 §2.4.5): a message/sipfrag
//! holding the status line of the new call's latest response.

use crate::status::StatusCode;

/// Content type of a transfer's progress report.
pub const SIPFRAG: &str = "message/sipfrag;version=2.0";

/// A sipfrag body saying `status`.
pub fn sipfrag(status: StatusCode) -> String {
    format!("SIP/2.0 {} {}\r\n", status.code(), status.reason())
}

/// The status in a sipfrag body's status line, or the fault.
pub fn sipfrag_status(body: &str) -> Result<StatusCode, &'static str> {
    let line = body.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let code = match (words.next(), words.next()) {
        (Some(v), Some(code)) if v.eq_ignore_ascii_case("SIP/2.0") => code.parse::<u16>().ok(),
        _ => None,
    };
    code.and_then(StatusCode::new).ok_or("Bad sipfrag")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(sipfrag(StatusCode::OK), "SIP/2.0 200 OK\r\n");
        assert_eq!(
            sipfrag_status("SIP/2.0 180 Ringing\r\n"),
            Ok(StatusCode::new(180).unwrap())
        );
        assert_eq!(
            sipfrag_status(&sipfrag(StatusCode::BUSY_HERE)),
            Ok(StatusCode::BUSY_HERE)
        );
        for bad in ["", "SIP/2.0\r\n", "HTTP/1.1 200 OK", "SIP/2.0 abc x"] {
            assert_eq!(sipfrag_status(bad), Err("Bad sipfrag"), "{bad}");
        }
    }
}
