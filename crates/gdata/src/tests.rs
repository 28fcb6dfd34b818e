//! Round trips (parse ∘ write, entry → person → entry), golden output, and hostile input.

use expect_test::expect_file;
use proptest::prelude::*;

use crate::*;

fn testdata(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn entry_fixture() -> Entry {
    parse_entry(&testdata("entry.xml")).expect("the fixture parses")
}

#[test]
fn a_realistic_entry_is_read_field_by_field() {
    let e = entry_fixture();
    assert_eq!(e.etag.as_deref(), Some("\"SXk6cDdXKit7I2A9WhFSEU0KRwE.\""));
    assert_eq!(e.short_id(), Some("6d1c4e8a0b2f7a31"));
    assert_eq!(
        e.updated_at().map(|t| t.timestamp_millis()),
        Some(1_714_979_289_123)
    );
    assert_eq!(e.edited.as_deref(), Some("2024-05-06T07:08:09.123Z"));
    assert_eq!(
        e.content.as_ref().map(|c| c.value.as_str()),
        Some("Met at the analytical engine meetup.\nPrefers e-mail & tea <not coffee>.")
    );
    let name = e.name.as_ref().unwrap();
    assert_eq!(
        name.given_name,
        Some(NamePart {
            value: "Ada".into(),
            yomi: Some("エイダ".into())
        })
    );
    assert_eq!(
        name.full_name.as_ref().unwrap().value,
        "Dr. Ada Maria Lovelace-Byron Jr."
    );
    assert_eq!(e.birthday.as_ref().unwrap().date(), Some((None, 12, 10)));
    assert_eq!(e.emails.len(), 3);
    assert!(e.emails[0].primary);
    assert_eq!(e.emails[0].display_name.as_deref(), Some("Ada L."));
    assert_eq!(e.emails[1].label.as_deref(), Some("Club"));
    assert_eq!(e.emails[2].ext.attributes.len(), 1, "x:verified is kept");
    assert_eq!(
        e.phone_numbers[0].uri.as_deref(),
        Some("tel:+44-20-7946-0000")
    );
    assert_eq!(e.phone_numbers[0].number, "+44 20 7946 0000");
    assert!(!e.phone_numbers[3].primary);
    assert_eq!(
        e.phone_numbers[3].ext.attributes,
        vec![Attribute::new("primary", "false")],
        "a primary that is not true stays as it came"
    );
    let work = &e.postal_addresses[0];
    assert_eq!(work.country.as_deref(), Some("United Kingdom"));
    assert_eq!(work.country_code.as_deref(), Some("GB"));
    assert_eq!(work.neighborhood.as_deref(), Some("St James's"));
    let org = &e.organizations[0];
    assert_eq!(
        org.org_name.as_ref().unwrap().yomi.as_deref(),
        Some("エンジン")
    );
    assert_eq!(org.ext.elements.len(), 1, "gd:where is kept");
    assert_eq!(org.ext.elements[0].name(), "where");
    assert_eq!(e.events[0].start_time.as_deref(), Some("1835-07-08"));
    assert_eq!(e.relations[2].label.as_deref(), Some("mentor"));
    assert_eq!(e.nicknames, ["Countess"]);
    assert_eq!(
        e.user_defined_fields[0].key.as_deref(),
        Some("Favourite engine")
    );
    assert_eq!(e.websites[0].rel.as_deref(), Some("home-page"));
    assert_eq!(e.extended_properties.len(), 2);
    assert_eq!(e.group_memberships.len(), 1);
    assert_eq!(
        e.link("edit").map(|h| h.ends_with("/6d1c4e8a0b2f7a31")),
        Some(true)
    );
    assert_eq!(
        e.links[0].etag.as_deref(),
        Some("\"dxt2DAEZfCp7ImA-AV4zRxBoPG4UK3owXBM.\"")
    );
    let unknown: Vec<&str> = e.ext.elements.iter().map(RawXml::name).collect();
    assert_eq!(unknown, ["gender", "occupation", "custom"]);
    assert_eq!(e.ext.attributes.len(), 1, "x:flag is kept");
    assert_eq!(
        e.ext.elements[2].as_str(),
        "<x:custom xmlns:x=\"urn:example:extension\" a=\"1\"><x:nested>kept <b xmlns=\"\">verbatim</b></x:nested></x:custom>"
    );
}

#[test]
fn an_entry_survives_write_and_parse() {
    let e = entry_fixture();
    let written = write_entry(&e);
    let again = parse_entry(written.as_bytes()).expect("written entry parses");
    assert_eq!(again, e);
    assert_eq!(write_entry(&again), written, "writing is deterministic");
    expect_file!["../testdata/entry.written.xml"].assert_eq(&written);
}

#[test]
fn a_feed_with_paging_survives_write_and_parse() {
    let f = parse_feed(&testdata("feed.xml")).expect("feed parses");
    assert_eq!(f.total_results, Some(7));
    assert_eq!(f.start_index, Some(3));
    assert_eq!(f.items_per_page, Some(2));
    assert_eq!(
        f.next_link(),
        Some(
            "https://www.google.com/m8/feeds/contacts/example.com/full?start-index=5&max-results=2"
        )
    );
    assert_eq!(
        f.link(BATCH_REL).map(|h| h.ends_with("/full/batch")),
        Some(true)
    );
    assert_eq!(f.etag.as_deref(), Some("W/\"CUMBRHo_fip7ImA9WxRbGU0.\""));
    assert_eq!(f.entries.len(), 2);
    assert!(!f.entries[0].deleted);
    assert!(f.entries[1].deleted, "the tombstone");
    assert_eq!(f.entries[1].short_id(), Some("2b"));
    let kept: Vec<&str> = f.ext.elements.iter().map(RawXml::name).collect();
    assert_eq!(kept, ["author", "generator"]);
    let written = write_feed(&f);
    assert_eq!(parse_feed(written.as_bytes()).unwrap(), f);
    expect_file!["../testdata/feed.written.xml"].assert_eq(&written);
}

#[test]
fn a_batch_request_survives_write_and_parse() {
    let req = parse_batch_request(&testdata("batch-request.xml")).expect("batch request parses");
    let ops: Vec<(Option<&str>, BatchOperation)> = req
        .entries
        .iter()
        .map(|i| (i.batch_id.as_deref(), i.operation))
        .collect();
    assert_eq!(
        ops,
        [
            (Some("create-1"), BatchOperation::Insert),
            (Some("update-1"), BatchOperation::Update),
            (Some("delete-1"), BatchOperation::Delete),
            (Some("query-1"), BatchOperation::Query),
        ]
    );
    assert!(
        req.entries.iter().all(|i| i.entry.ext.is_empty()),
        "batch elements are taken apart"
    );
    assert_eq!(
        req.entries[1].entry.etag.as_deref(),
        Some("\"Qn04eTVSLyp7I2A9WhJXEUUORQY.\"")
    );
    let written = write_batch_request(&req);
    assert_eq!(parse_batch_request(written.as_bytes()).unwrap(), req);
    // a plain feed reader keeps the batch elements as unknown ones
    let plain = parse_feed(written.as_bytes()).unwrap();
    assert_eq!(plain.entries[0].ext.elements.len(), 2);
}

#[test]
fn a_batch_request_takes_the_feed_default_operation() {
    let xml = format!(
        "<feed xmlns='{ATOM}' xmlns:batch='{BATCH}'><batch:operation type='delete'/>\
         <entry><id>a</id></entry><entry><batch:operation type='query'/><id>b</id></entry></feed>"
    );
    let req = parse_batch_request(xml.as_bytes()).unwrap();
    assert_eq!(req.entries[0].operation, BatchOperation::Delete);
    assert_eq!(req.entries[1].operation, BatchOperation::Query);
    assert!(req.ext.is_empty(), "the default is consumed");
    let xml = format!("<feed xmlns='{ATOM}'><entry><id>a</id></entry></feed>");
    let req = parse_batch_request(xml.as_bytes()).unwrap();
    assert_eq!(req.entries[0].operation, BatchOperation::Insert);
}

#[test]
fn a_batch_response_survives_write_and_parse() {
    let resp =
        parse_batch_response(&testdata("batch-response.xml")).expect("batch response parses");
    let statuses: Vec<(u16, Option<&str>)> = resp
        .entries
        .iter()
        .map(|r| {
            let s = r.status.as_ref().unwrap();
            (s.code, s.reason.as_deref())
        })
        .collect();
    assert_eq!(
        statuses,
        [
            (201, Some("Created")),
            (412, Some("Precondition Failed")),
            (200, Some("Success")),
            (404, Some("Not Found")),
        ]
    );
    let failed = resp.entries[1].status.as_ref().unwrap();
    assert_eq!(failed.body.as_deref(), Some("Etags mismatch"));
    assert_eq!(failed.content_type.as_deref(), Some("text/plain"));
    assert!(!failed.is_success());
    assert_eq!(resp.entries[0].operation, Some(BatchOperation::Insert));
    let written = write_batch_response(&resp);
    assert_eq!(parse_batch_response(written.as_bytes()).unwrap(), resp);
    expect_file!["../testdata/batch-response.written.xml"].assert_eq(&written);
}

#[test]
fn entry_to_person_to_entry_is_lossless() {
    let e = entry_fixture();
    let p = entry_to_person(&e);
    assert_eq!(person_to_entry(&p), e);
    // and it survives the People API's JSON
    let json = serde_json::to_string(&p).unwrap();
    let p2: people::Person = serde_json::from_str(&json).unwrap();
    assert_eq!(person_to_entry(&p2), e);

    let feed = parse_feed(&testdata("feed.xml")).unwrap();
    for entry in &feed.entries {
        assert_eq!(&person_to_entry(&entry_to_person(entry)), entry);
    }
}

#[test]
fn the_person_holds_the_contact_in_its_own_fields() {
    let p = entry_to_person(&entry_fixture());
    let name = &p.names[0];
    assert_eq!(name.given_name.as_deref(), Some("Ada"));
    assert_eq!(name.phonetic_given_name.as_deref(), Some("エイダ"));
    assert_eq!(name.middle_name.as_deref(), Some("Maria"));
    assert_eq!(name.honorific_prefix.as_deref(), Some("Dr."));
    assert_eq!(
        name.unstructured_name.as_deref(),
        Some("Dr. Ada Maria Lovelace-Byron Jr.")
    );
    assert_eq!(p.etag.as_deref(), Some("\"SXk6cDdXKit7I2A9WhFSEU0KRwE.\""));
    fn types(v: Vec<Option<&str>>) -> Vec<&str> {
        v.into_iter().map(|t| t.unwrap_or("-")).collect()
    }
    assert_eq!(
        types(
            p.email_addresses
                .iter()
                .map(|e| e.r#type.as_deref())
                .collect()
        ),
        ["work", "Club", "home"]
    );
    assert_eq!(
        p.email_addresses[0]
            .metadata
            .as_ref()
            .and_then(|m| m.primary),
        Some(true)
    );
    assert_eq!(
        types(
            p.phone_numbers
                .iter()
                .map(|e| e.r#type.as_deref())
                .collect()
        ),
        ["workFax", "mobile", "Lab", "home"]
    );
    assert_eq!(p.im_clients[0].protocol.as_deref(), Some("googleTalk"));
    assert_eq!(
        p.im_clients[1].protocol.as_deref(),
        Some("urn:example:pager-net")
    );
    assert_eq!(
        types(p.urls.iter().map(|e| e.r#type.as_deref()).collect()),
        ["homePage", "blog", "Notes"]
    );
    assert_eq!(
        types(p.relations.iter().map(|e| e.r#type.as_deref()).collect()),
        ["spouse", "domesticPartner", "mentor"]
    );
    let bday = p.birthdays[0].date.as_ref().unwrap();
    assert_eq!(
        (bday.year(), bday.month(), bday.day()),
        (None, Some(12), Some(10))
    );
    let anniversary = p.events[0].date.as_ref().unwrap();
    assert_eq!(anniversary.year(), Some(1835));
    assert_eq!(p.addresses[0].postal_code.as_deref(), Some("SW1Y 4LB"));
    assert_eq!(p.addresses[0].country_code.as_deref(), Some("GB"));
    assert_eq!(
        p.organizations[0].phonetic_name.as_deref(),
        Some("エンジン")
    );
    assert_eq!(p.biographies[0].content_type.as_deref(), Some("TEXT_PLAIN"));
    assert_eq!(p.nicknames[0].value.as_deref(), Some("Countess"));
    assert_eq!(p.user_defined[0].value.as_deref(), Some("Analytical"));
    // plain extended properties are the Person's own clientData
    assert_eq!(p.client_data("com.example.crm"), Some("4711"));
    assert_eq!(
        p.client_data("peopledav.uid"),
        Some("urn:uuid:8d2c7c0e-1b7a-4f0e-9d39-3e52d1c7a001")
    );
    assert_eq!(
        p.client_data("gdata:id"),
        Some("http://www.google.com/m8/feeds/contacts/example.com/base/6d1c4e8a0b2f7a31")
    );
    // what the mapping loses is kept: the fax uri, the label spelled like a rel, x:verified,
    // the neighborhood, gd:where, the primary="false"
    let origs: Vec<&str> = p
        .client_data
        .iter()
        .filter_map(|c| c.key.as_deref())
        .filter(|k| k.starts_with("gdata:orig."))
        .collect();
    assert_eq!(origs.len(), 5, "{origs:?}");
    assert!(origs.iter().any(|k| k.starts_with("gdata:orig.phone.")));
    assert!(
        p.client_data
            .iter()
            .any(|c| c.key.as_deref() == Some("gdata:entry"))
    );
}

#[test]
fn an_edit_on_the_person_side_wins_over_the_kept_original() {
    let e = entry_fixture();
    let mut p = entry_to_person(&e);
    // the work fax (whose uri only the original holds) becomes a mobile number
    p.phone_numbers[0].r#type = Some("mobile".into());
    p.email_addresses[2].value = Some("ada@new-home.example".into());
    let back = person_to_entry(&p);
    let fax = &back.phone_numbers[0];
    assert_eq!(
        fax.rel.as_deref(),
        Some("http://schemas.google.com/g/2005#mobile")
    );
    assert_eq!(fax.uri, None, "the stale original is not used");
    assert_eq!(
        back.emails[2].address.as_deref(),
        Some("ada@new-home.example")
    );
    assert_eq!(
        back.emails[2].rel.as_deref(),
        Some("http://schemas.google.com/g/2005#home"),
        "a type that is a rel word becomes the rel"
    );
    assert!(back.emails[2].ext.is_empty());
    // untouched items keep their originals
    assert_eq!(back.phone_numbers[1..], e.phone_numbers[1..]);
    assert_eq!(back.postal_addresses, e.postal_addresses);
}

#[test]
fn a_new_person_becomes_an_entry() {
    let p: people::Person = serde_json::from_value(serde_json::json!({
        "names": [{"givenName": "Mary", "familyName": "Jackson"}],
        "emailAddresses": [{"value": "mary@example.org", "type": "work", "metadata": {"primary": true}}],
        "phoneNumbers": [{"value": "+1 555 0100", "type": "workMobile"}, {"value": "+1 555 0101", "type": "Desk"}],
        "urls": [{"value": "https://example.org", "type": "homePage"}],
        "birthdays": [{"date": {"year": 1921, "month": 4, "day": 9}}],
        "clientData": [{"key": "peopledav.uid", "value": "u-1"}],
    }))
    .unwrap();
    let e = person_to_entry(&p);
    assert_eq!(
        e.name.as_ref().unwrap().given_name,
        Some(NamePart::new("Mary"))
    );
    assert_eq!(
        e.emails[0].rel.as_deref(),
        Some("http://schemas.google.com/g/2005#work")
    );
    assert!(e.emails[0].primary);
    assert_eq!(
        e.phone_numbers[0].rel.as_deref(),
        Some("http://schemas.google.com/g/2005#work_mobile")
    );
    assert_eq!(e.phone_numbers[1].label.as_deref(), Some("Desk"));
    assert_eq!(e.websites[0].rel.as_deref(), Some("home-page"));
    assert_eq!(e.birthday.as_ref().unwrap().when, "1921-04-09");
    assert_eq!(
        e.extended_properties[0].name.as_deref(),
        Some("peopledav.uid")
    );
    let written = write_entry(&e);
    assert_eq!(parse_entry(written.as_bytes()).unwrap(), e);
}

#[test]
fn odd_shapes_are_kept_whole() {
    let xml = format!(
        "<entry xmlns='{ATOM}' xmlns:gd='{GD}' xmlns:gContact='{GCONTACT}'>\
           <gd:name><gd:givenName lang='en'>A</gd:givenName><gd:givenName>B</gd:givenName></gd:name>\
           <gd:name><gd:fullName>Second</gd:fullName></gd:name>\
           <gContact:birthday/>\
           <gContact:birthday when='not a date'/>\
           <gd:deleted reason='x'/>\
           <gContact:nickname type='short'>N</gContact:nickname>\
           <gd:structuredPostalAddress><gd:city>X</gd:city><gd:city>Y</gd:city><gd:country code='FR' extra='1'>France</gd:country></gd:structuredPostalAddress>\
           <gContact:event><gd:when startTime='2000-01-01' endTime='2000-01-02'/></gContact:event>\
         </entry>"
    );
    let e = parse_entry(xml.as_bytes()).unwrap();
    let name = e.name.as_ref().unwrap();
    assert_eq!(name.given_name, Some(NamePart::new("B")));
    assert_eq!(name.ext.elements.len(), 1, "the givenName with lang");
    assert_eq!(e.birthday.as_ref().unwrap().when, "not a date");
    assert_eq!(e.birthday.as_ref().unwrap().date(), None);
    assert!(!e.deleted);
    assert!(e.nicknames.is_empty());
    assert_eq!(e.postal_addresses[0].city.as_deref(), Some("X"));
    assert_eq!(e.postal_addresses[0].country, None);
    assert_eq!(e.postal_addresses[0].ext.elements.len(), 2);
    assert_eq!(e.events[0].start_time, None);
    let unknown: Vec<&str> = e.ext.elements.iter().map(RawXml::name).collect();
    assert_eq!(unknown, ["name", "birthday", "deleted", "nickname"]);
    let again = parse_entry(write_entry(&e).as_bytes()).unwrap();
    assert_eq!(again, e);
    assert_eq!(person_to_entry(&entry_to_person(&e)), e);
}

/// A malformed input, the kind of error, a part of the message, and where (when checked).
type Case<'a> = (&'a [u8], ErrorKind, &'a str, Option<(usize, usize)>);

fn error_of(xml: &[u8]) -> Error {
    match parse_entry(xml) {
        Ok(e) => panic!("parsed: {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn malformed_documents_are_errors_that_say_where() {
    let cases: &[Case] = &[
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'>\n  <id>x</title>\n</entry>",
            ErrorKind::Syntax,
            "title",
            Some((2, 8)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><gd:name/></entry>",
            ErrorKind::Syntax,
            "the prefix gd of <gd:name> is not declared",
            Some((1, 44)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><id>&bogus;</id></entry>",
            ErrorKind::Syntax,
            "bogus",
            Some((1, 48)),
        ),
        (
            b"<!DOCTYPE entry [<!ENTITY a 'aaaa'>]><entry>&a;</entry>",
            ErrorKind::Doctype,
            "document type declarations",
            Some((1, 1)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><id>\xff</id></entry>",
            ErrorKind::Encoding,
            "utf-8",
            Some((1, 48)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><id>a\x01b</id></entry>",
            ErrorKind::Syntax,
            "U+0001",
            Some((1, 48)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><id>&#0;</id></entry>",
            ErrorKind::Syntax,
            "",
            None,
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom' a='1' a='2'/>",
            ErrorKind::Syntax,
            "<entry>",
            Some((1, 1)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'><id>x</id>",
            ErrorKind::Syntax,
            "the document ends inside <entry>",
            None,
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'/><entry/>",
            ErrorKind::Syntax,
            "content after the root element",
            Some((1, 45)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom'/>trailing",
            ErrorKind::Syntax,
            "text outside the root element",
            None,
        ),
        (b"", ErrorKind::Syntax, "no root element", None),
        (b"   \n  ", ErrorKind::Syntax, "no root element", None),
        (
            b"<feed xmlns='http://www.w3.org/2005/Atom'/>",
            ErrorKind::Invalid,
            "the root element is <feed>",
            Some((1, 1)),
        ),
        (
            b"<entry/>",
            ErrorKind::Invalid,
            "in no namespace; expected an atom entry",
            Some((1, 1)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom' xmlns:p=''/>",
            ErrorKind::Syntax,
            "undeclares the prefix p",
            Some((1, 1)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom' q:a='1'/>",
            ErrorKind::Syntax,
            "the prefix q of attribute q:a",
            Some((1, 1)),
        ),
        (
            b"<entry xmlns='http://www.w3.org/2005/Atom' xmlns:p='u' xmlns:q='u' p:a='1' q:a='2'/>",
            ErrorKind::Syntax,
            "twice",
            Some((1, 1)),
        ),
    ];
    for (input, kind, needle, location) in cases {
        let e = error_of(input);
        let shown = String::from_utf8_lossy(input);
        assert_eq!(e.kind(), *kind, "{shown}: {e}");
        assert!(e.to_string().contains(needle), "{shown}: {e}");
        if location.is_some() {
            assert_eq!(e.location(), *location, "{shown}: {e}");
        }
        assert!(!e.message().ends_with('.'), "{e}");
    }
}

#[test]
fn hostile_documents_are_refused_without_panicking() {
    // deep nesting
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    assert_eq!(error_of(deep.as_bytes()).kind(), ErrorKind::TooDeep);
    // the billion laughs never get to expand
    let laughs = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]><lolz>&lol2;</lolz>";
    assert_eq!(error_of(laughs.as_bytes()).kind(), ErrorKind::Doctype);
    // an external entity neither
    let xxe = "<!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><entry xmlns='http://www.w3.org/2005/Atom'>&x;</entry>";
    assert_eq!(error_of(xxe.as_bytes()).kind(), ErrorKind::Doctype);
    // too many attributes
    let attrs: String = (0..1000).map(|i| format!(" a{i}='x'")).collect();
    let many = format!("<entry xmlns='http://www.w3.org/2005/Atom'{attrs}/>");
    assert_eq!(error_of(many.as_bytes()).kind(), ErrorKind::TooLarge);
    // too many namespaces in scope
    let nested: String = (0..60)
        .map(|i| {
            let decls: String = (0..20)
                .map(|j| format!(" xmlns:p{i}x{j}='urn:{i}:{j}'"))
                .collect();
            format!("<x{decls}>")
        })
        .collect();
    assert_eq!(error_of(nested.as_bytes()).kind(), ErrorKind::TooLarge);
    // too large
    let huge = vec![b' '; MAX_DOCUMENT_BYTES + 1];
    assert_eq!(error_of(&huge).kind(), ErrorKind::TooLarge);
    // huge text is fine
    let text = "x".repeat(4 * 1024 * 1024);
    let big =
        format!("<entry xmlns='http://www.w3.org/2005/Atom'><content>{text}</content></entry>");
    assert_eq!(
        parse_entry(big.as_bytes())
            .unwrap()
            .content
            .unwrap()
            .value
            .len(),
        text.len()
    );
    // a batch request with an unknown operation names it
    let bad = format!(
        "<feed xmlns='{ATOM}' xmlns:batch='{BATCH}'><entry><batch:operation type='upsert'/></entry></feed>"
    );
    let e = parse_batch_request(bad.as_bytes()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("\"upsert\""), "{e}");
    assert_eq!(e.location(), Some((1, 102)), "at <batch:operation>");
    let bad = format!(
        "<feed xmlns='{ATOM}' xmlns:batch='{BATCH}'><entry><batch:status code='two hundred'/></entry></feed>"
    );
    let e = parse_batch_response(bad.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("not an http status code"), "{e}");
    // cut-off documents at every byte never panic
    let fixture = testdata("entry.xml");
    for end in 0..fixture.len() {
        let _ = parse_entry(&fixture[..end]);
    }
}

#[test]
fn raw_xml_is_self_contained() {
    let raw =
        RawXml::parse("<a:x xmlns:a='urn:a' xmlns='urn:d'><y a:z='1'>t &amp; u</y></a:x>").unwrap();
    assert_eq!(
        raw.as_str(),
        "<a:x xmlns:a=\"urn:a\"><y xmlns=\"urn:d\" a:z=\"1\">t &amp; u</y></a:x>"
    );
    assert_eq!((raw.namespace(), raw.name()), ("urn:a", "x"));
    assert_eq!(RawXml::parse(raw.as_str()).unwrap(), raw);
}

fn xml_text() -> impl Strategy<Value = String> {
    // any characters xml can hold, including the ones that must be escaped
    proptest::collection::vec(
        prop_oneof![
            Just('&'),
            Just('<'),
            Just('>'),
            Just('"'),
            Just('\''),
            Just('\n'),
            Just('\r'),
            Just('\t'),
            Just(' '),
            proptest::char::range('\u{20}', '\u{D7FF}'),
            proptest::char::range('\u{E000}', '\u{FFFD}'),
            proptest::char::range('\u{10000}', '\u{10FFFF}'),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn any_text_survives_write_and_parse(
        full in xml_text(),
        address in xml_text(),
        label in xml_text(),
        notes in xml_text(),
        number in xml_text(),
        key in xml_text(),
        value in xml_text(),
    ) {
        let e = Entry {
            name: Some(Name { full_name: Some(NamePart::new(full)), ..Name::default() }),
            emails: vec![Email { address: Some(address), label: Some(label), ..Email::default() }],
            content: Some(Text::plain(notes)),
            phone_numbers: vec![PhoneNumber { number, ..PhoneNumber::default() }],
            extended_properties: vec![ExtendedProperty {
                name: Some(key), value: Some(value), ..ExtendedProperty::default()
            }],
            ..Entry::default()
        };
        let again = parse_entry(write_entry(&e).as_bytes()).unwrap();
        prop_assert_eq!(&again, &e);
        prop_assert_eq!(person_to_entry(&entry_to_person(&e)), e);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_entry(&bytes);
        let _ = parse_feed(&bytes);
        let _ = parse_batch_request(&bytes);
        let _ = parse_batch_response(&bytes);
    }
}

#[test]
fn names_with_an_empty_prefix_or_two_colons_are_refused() {
    // Found by fuzzing: `<:batch:operation>` was read as the local name `batch:operation` and
    // written back as the undeclared prefix `batch`.
    for doc in [
        "<entry xmlns='http://www.w3.org/2005/Atom'><:batch:operation type='insert'/></entry>",
        "<entry xmlns='http://www.w3.org/2005/Atom'><a:b:c xmlns:a='urn:x'/></entry>",
        "<entry xmlns='http://www.w3.org/2005/Atom' :x='1'/>",
    ] {
        let err = crate::parse_entry(doc.as_bytes()).expect_err(doc);
        assert!(err.to_string().contains("name"), "{doc}: {err}");
    }
}
