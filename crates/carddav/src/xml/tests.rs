//! Unit tests of the XML tree reader: namespaces, limits, refused DTDs and entities.

use super::*;

#[test]
fn resolves_namespaces_and_text() {
    let doc = br#"<?xml version="1.0"?><x:propfind xmlns:x="DAV:" xmlns="urn:ietf:params:xml:ns:carddav"><x:prop><address-data a="1&amp;2"/></x:prop><x:href> /a &amp; b </x:href></x:propfind>"#;
    let root = parse_document(doc).unwrap();
    assert!(root.is(DAV, "propfind"));
    let prop = root.child(DAV, "prop").unwrap();
    let ad = prop.child(CARDDAV, "address-data").unwrap();
    assert_eq!(ad.attr("a"), Some("1&2"));
    assert_eq!(root.child(DAV, "href").unwrap().text, "/a & b");
}

#[test]
fn refuses_doctype_and_entities() {
    let bomb = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><D:propfind xmlns:D="DAV:">&lol;</D:propfind>"#;
    assert!(matches!(parse_document(bomb), Err(XmlError::Doctype)));
    let undeclared = br#"<D:propfind xmlns:D="DAV:"><D:href>&lol;</D:href></D:propfind>"#;
    assert!(matches!(
        parse_document(undeclared),
        Err(XmlError::Syntax(_))
    ));
}

#[test]
fn refuses_unknown_prefix_deep_nesting_and_garbage() {
    assert!(matches!(
        parse_document(b"<Q:propfind/>"),
        Err(XmlError::UnknownPrefix(_))
    ));
    let deep = "<a>".repeat(40) + &"</a>".repeat(40);
    assert!(matches!(
        parse_document(deep.as_bytes()),
        Err(XmlError::TooDeep)
    ));
    assert!(parse_document(b"").is_err());
    assert!(parse_document(b"<a></b>").is_err());
    assert!(parse_document(b"<a/><b/>").is_err());
    assert!(parse_document(b"<a>").is_err());
}
