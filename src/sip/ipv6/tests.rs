use super::*;

#[test]
fn three_colons_before_ipv4_are_tolerated() {
    let two: Ipv6Addr = "2001:db8::192.0.2.1".parse().unwrap();
    assert_eq!(parse_v6("2001:db8:::192.0.2.1"), Some(two));
    assert_eq!(
        parse_v6("2001:db8::10:5070"),
        Some("2001:db8::10:5070".parse().unwrap())
    );
    assert_eq!(parse_v6("2001:::db8"), None);
    assert_eq!(parse_v6("1::2:::1.2.3.4"), None);
    assert_eq!(host_ip("[::1]"), Some("::1".parse().unwrap()));
    assert_eq!(host_ip("::ffff:192.0.2.2"), Some("::ffff:192.0.2.2".parse().unwrap()));
    assert_eq!(host_ip("192.0.2.2"), Some("192.0.2.2".parse().unwrap()));
    assert_eq!(host_ip("[192.0.2.2]"), None);
    assert_eq!(host_ip("example.com"), None);
}

#[test]
fn references_are_found_at_the_host_only() {
    assert_eq!(reference("sip:[2001:db8::10]"), Some(Ok(4..18)));
    assert_eq!(reference("sip:u@[::1]:5060;lr"), Some(Ok(6..11)));
    assert_eq!(reference("sips:[::1]?h=v"), Some(Ok(5..10)));
    assert_eq!(reference("sip:u@host"), None);
    assert_eq!(reference("sip:[::1"), Some(Err(())));
    assert_eq!(reference("sip:[::1]x"), Some(Err(())));
    assert_eq!(reference("sip:[example.com]"), Some(Err(())));
    assert!(unbracketed("sip:2001:db8::10"));
    assert!(unbracketed("sip:u@2001:db8::10;lr"));
    assert!(!unbracketed("sip:u@[2001:db8::10]:5060"));
    assert!(!unbracketed("sip:u@host:5060"));
}
