//! Seed data: realistic made-up contacts (deterministic), persons loaded from JSON, the
//! Workspace directory, and small generated PNG images for photos.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::book::Entry;
use crate::config::Seed;
use crate::person::{Json, check_singletons, normalize_items, source_ref};
use crate::state::{Account, contact_source_id, membership_ids, mix, rfc3339};

const GIVEN: [&str; 32] = [
    "Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas",
    "Kaori", "Liam", "Maya", "Nikolai", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa",
    "Ugo", "Vera", "Wen", "Ximena", "Yusuf", "Zoë", "Amélie", "Björn", "Çelik", "Dörte", "Émile",
    "Siobhán",
];
const FAMILY: [&str; 32] = [
    "Abernathy",
    "Bianchi",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "O'Brien",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zieliński",
    "van der Berg",
    "de la Cruz",
    "Müller",
    "Novák",
    "Øvergaard",
    "Sørensen",
];
const COMPANIES: [&str; 10] = [
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Stark Logistics",
    "Wayne Foods",
    "Acme Corp",
    "Tyrell Systems",
];
const TITLES: [&str; 8] = [
    "Engineer",
    "Designer",
    "Accountant",
    "Nurse",
    "Teacher",
    "Product Manager",
    "Chef",
    "Architect",
];
const CITIES: [(&str, &str, &str); 6] = [
    ("Berlin", "Berlin", "DE"),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR"),
    ("Portland", "OR", "US"),
    ("Osaka", "Osaka", "JP"),
    ("Málaga", "Andalucía", "ES"),
    ("Toronto", "ON", "CA"),
];
const USER_GROUPS: [&str; 4] = ["Book Club", "Climbing", "Work", "Neighbours"];

/// A solid-colour PNG, built by hand (stored deflate blocks, so no compressor is needed).
pub(crate) fn solid_png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for _ in 0..height {
        // Each scanline starts with its filter type, 0 (none).
        raw.extend_from_slice(&[0]);
        for _ in 0..width {
            raw.extend_from_slice(&rgb);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Fills `acct` from `seed`.
pub(crate) fn apply(acct: &mut Account, seed: &Seed, now: i64) {
    match seed {
        Seed::None => {}
        Seed::Count(n) => seed_count(acct, *n, now),
        Seed::Persons(persons) => {
            for p in persons {
                match serde_json::to_value(p) {
                    Ok(Value::Object(person)) => seed_person(acct, &person, now),
                    _ => tracing::warn!("seed person does not serialize to an object; skipped"),
                }
            }
        }
    }
}

fn seed_count(acct: &mut Account, n: usize, now: i64) {
    let mut rng = StdRng::seed_from_u64(0x5eed_0000 + acct.index as u64);
    let groups: Vec<String> = USER_GROUPS
        .iter()
        .map(|name| match acct.group_by_name(name) {
            Some(g) => g.id.clone(),
            None => acct.create_group(name, Vec::new(), now),
        })
        .collect();
    for i in 0..n {
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let family = FAMILY[rng.gen_range(0..FAMILY.len())];
        let ascii = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        let mut person = Json::new();
        person.insert(
            "names".into(),
            json!([{"givenName": given, "familyName": family}]),
        );
        let mut emails = vec![
            json!({"value": format!("{}.{}{}@example.org", ascii(given), ascii(family), i), "type": "home"}),
        ];
        if rng.gen_bool(0.5) {
            let company = COMPANIES[rng.gen_range(0..COMPANIES.len())];
            emails.push(json!({"value": format!("{}@{}.example", ascii(given), ascii(company)), "type": "work"}));
        }
        if rng.gen_bool(0.15) {
            emails.push(json!({"value": format!("{}{}@mail.example", ascii(family), rng.gen_range(10..99)), "type": "other"}));
        }
        person.insert("emailAddresses".into(), Value::Array(emails));
        let mut phones = vec![
            json!({"value": format!("+1 555 01{:02} {:04}", rng.gen_range(0..100), rng.gen_range(0..10_000)), "type": "mobile"}),
        ];
        if rng.gen_bool(0.4) {
            phones.push(json!({"value": format!("+49 30 {:07}", rng.gen_range(0..10_000_000)), "type": "work"}));
        }
        if rng.gen_bool(0.1) {
            phones.push(json!({"value": format!("+33 4 {:02} {:02} {:02} {:02}", rng.gen_range(0..100), rng.gen_range(0..100), rng.gen_range(0..100), rng.gen_range(0..100)), "type": "home"}));
        }
        person.insert("phoneNumbers".into(), Value::Array(phones));
        if rng.gen_bool(0.5) {
            let (city, region, cc) = CITIES[rng.gen_range(0..CITIES.len())];
            person.insert(
                "addresses".into(),
                json!([{"streetAddress": format!("{} {} Street", rng.gen_range(1..200), family), "city": city, "region": region, "postalCode": format!("{:05}", rng.gen_range(1000..99_999)), "country": cc, "countryCode": cc, "type": "home"}]),
            );
        }
        if rng.gen_bool(0.6) {
            person.insert(
                "organizations".into(),
                json!([{"name": COMPANIES[rng.gen_range(0..COMPANIES.len())], "title": TITLES[rng.gen_range(0..TITLES.len())], "type": "work"}]),
            );
        }
        if rng.gen_bool(0.4) {
            let date = if rng.gen_bool(0.8) {
                json!({"year": rng.gen_range(1950..2010), "month": rng.gen_range(1..13), "day": rng.gen_range(1..29)})
            } else {
                json!({"month": rng.gen_range(1..13), "day": rng.gen_range(1..29)})
            };
            person.insert("birthdays".into(), json!([{"date": date}]));
        }
        if rng.gen_bool(0.2) {
            person.insert(
                "nicknames".into(),
                json!([{"value": given.chars().take(3).collect::<String>()}]),
            );
        }
        if rng.gen_bool(0.15) {
            person.insert("biographies".into(), json!([{"value": format!("Met {given} at a conference."), "contentType": "TEXT_PLAIN"}]));
        }
        if rng.gen_bool(0.2) {
            person.insert("urls".into(), json!([{"value": format!("https://{}.example.net", ascii(family)), "type": "homePage"}]));
        }
        if rng.gen_bool(0.1) {
            person.insert("events".into(), json!([{"date": {"year": rng.gen_range(1990..2024), "month": rng.gen_range(1..13), "day": rng.gen_range(1..29)}, "type": "anniversary"}]));
        }
        if rng.gen_bool(0.1) {
            person.insert("relations".into(), json!([{"person": format!("{} {}", GIVEN[rng.gen_range(0..GIVEN.len())], family), "type": "spouse"}]));
        }
        let mut member = vec!["myContacts".to_owned()];
        if rng.gen_bool(0.5) {
            member.push(groups[rng.gen_range(0..groups.len())].clone());
        }
        if rng.gen_bool(0.1) {
            member.push("starred".into());
        }
        let memberships: Vec<Value> = member
            .iter()
            .map(|g| json!({"contactGroupMembership": {"contactGroupResourceName": format!("contactGroups/{g}")}}))
            .collect();
        person.insert("memberships".into(), Value::Array(memberships));
        let photo = rng.gen_bool(0.1).then(|| {
            let rgb = [rng.r#gen(), rng.r#gen(), rng.r#gen()];
            crate::api::store_photo(acct, solid_png(8, 8, rgb), "image/png")
        });
        let id = acct.new_contact_id();
        if let Some(fields) = normalize_person(&person, id) {
            acct.write_contact(id, fields, photo, now, now);
        }
    }
    for i in 0..n.div_ceil(5) {
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let family = FAMILY[rng.gen_range(0..FAMILY.len())];
        let mut person = Json::new();
        person.insert(
            "names".into(),
            json!([{"givenName": given, "familyName": family}]),
        );
        person.insert(
            "emailAddresses".into(),
            json!([{"value": format!("{}{}@correspondent.example", given.to_lowercase(), i)}]),
        );
        if rng.gen_bool(0.3) {
            person.insert("phoneNumbers".into(), json!([{"value": format!("+1 555 02{:02} {:04}", rng.gen_range(0..100), rng.gen_range(0..10_000))}]));
        }
        add_other_contact(acct, None, &person, now);
    }
}

/// Normalizes every writable field of `person` as a CONTACT-sourced contact `id`.
fn normalize_person(person: &Json, id: u64) -> Option<Json> {
    let fields = &people::PersonField::UPDATABLE;
    if let Err(e) = check_singletons(person, fields) {
        tracing::warn!(error = %e.message, "seed person skipped");
        return None;
    }
    let source = source_ref("CONTACT", &contact_source_id(id));
    let mut out = Json::new();
    for f in fields {
        if let Some(Value::Array(items)) = person.get(f.as_str()) {
            match normalize_items(f.as_str(), items, &source) {
                Ok(items) if !items.is_empty() => {
                    out.insert(f.as_str().into(), Value::Array(items));
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e.message, "seed person skipped");
                    return None;
                }
            }
        }
    }
    Some(out)
}

fn seed_person(acct: &mut Account, person: &Json, now: i64) {
    let rn = person
        .get("resourceName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(id) = rn
        .strip_prefix("otherContacts/c")
        .and_then(|d| d.parse().ok())
    {
        add_other_contact(acct, Some(id), person, now);
        return;
    }
    let id = rn
        .strip_prefix("people/c")
        .and_then(|d| d.parse().ok())
        .filter(|id| acct.contacts.get(*id).is_none())
        .unwrap_or_else(|| acct.new_contact_id());
    for g in membership_ids(person) {
        if !acct.groups.contains_key(&g) {
            acct.create_group_with_id(&g, &g, Vec::new(), now);
        }
    }
    let Some(mut fields) = normalize_person(person, id) else {
        return;
    };
    if !fields.contains_key("memberships") {
        let source = source_ref("CONTACT", &contact_source_id(id));
        if let Ok(items) = normalize_items(
            "memberships",
            &[
                json!({"contactGroupMembership": {"contactGroupResourceName": "contactGroups/myContacts"}}),
            ],
            &source,
        ) {
            fields.insert("memberships".into(), Value::Array(items));
        }
    }
    acct.write_contact(id, fields, None, now, now);
}

/// Stores an "Other contact" (names, emails, phones from an OTHER_CONTACT source).
fn add_other_contact(acct: &mut Account, id: Option<u64>, person: &Json, now: i64) {
    let id = id.unwrap_or_else(|| acct.fresh() >> 1);
    let sid = format!("{:016x}", mix(id ^ 0x07e4));
    let source = source_ref("OTHER_CONTACT", &sid);
    let mut fields = Json::new();
    for key in ["names", "emailAddresses", "phoneNumbers"] {
        if let Some(Value::Array(items)) = person.get(key)
            && let Ok(items) = normalize_items(key, items, &source)
            && !items.is_empty()
        {
            fields.insert(key.into(), Value::Array(items));
        }
    }
    let seq = acct.next_seq();
    let etag = acct.person_etag();
    let source_etag = acct.source_etag();
    fields.insert("resourceName".into(), json!(format!("otherContacts/c{id}")));
    fields.insert("etag".into(), json!(etag));
    fields.insert(
        "metadata".into(),
        json!({"sources": [{"type": "OTHER_CONTACT", "id": sid, "etag": source_etag, "updateTime": rfc3339(now)}], "objectType": "PERSON"}),
    );
    acct.other.upsert(
        id,
        Entry {
            person: fields,
            seq,
            photo: None,
            groups: Vec::new(),
        },
        now,
    );
}

/// Fills a Workspace account's directory: the domain's accounts and a few made-up colleagues.
pub(crate) fn fill_directory(
    acct: &mut Account,
    domain: &str,
    colleagues: &[(String, String)],
    now: i64,
) {
    let mut people: Vec<(String, String, String)> = colleagues
        .iter()
        .map(|(given, email)| (given.clone(), String::new(), email.clone()))
        .collect();
    let mut rng = StdRng::seed_from_u64(mix(domain.len() as u64));
    for i in 0..12 {
        let given = GIVEN[(i * 7 + 3) % GIVEN.len()];
        let family = FAMILY[rng.gen_range(0..FAMILY.len())];
        let local: String = format!("{given}.{family}")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect::<String>()
            .to_lowercase();
        people.push((
            given.to_owned(),
            family.to_owned(),
            format!("{local}@{domain}"),
        ));
    }
    for (i, (given, family, email)) in people.into_iter().enumerate() {
        let id = 100_000_000_000_000_000 + mix(i as u64 + 1) % 100_000_000_000_000_000;
        let sid = id.to_string();
        let source = source_ref("DOMAIN_PROFILE", &sid);
        let mut raw = Json::new();
        let mut name = json!({"givenName": given});
        if !family.is_empty() {
            name["familyName"] = json!(family);
        }
        raw.insert("names".into(), json!([name]));
        raw.insert(
            "emailAddresses".into(),
            json!([{"value": email, "type": "work"}]),
        );
        raw.insert(
            "organizations".into(),
            json!([{"name": domain, "title": TITLES[i % TITLES.len()], "type": "work"}]),
        );
        raw.insert("phoneNumbers".into(), json!([{"value": format!("+1 555 03{:02} {:04}", i % 100, (i * 37) % 10_000), "type": "work"}]));
        let mut fields = Json::new();
        for (k, v) in raw {
            if let Value::Array(items) = v
                && let Ok(items) = normalize_items(&k, &items, &source)
            {
                fields.insert(k, Value::Array(items));
            }
        }
        let seq = acct.next_seq();
        let etag = acct.person_etag();
        fields.insert("resourceName".into(), json!(format!("people/{id}")));
        fields.insert("etag".into(), json!(etag));
        fields.insert(
            "metadata".into(),
            json!({"sources": [{"type": "DOMAIN_PROFILE", "id": sid, "updateTime": rfc3339(now)}], "objectType": "PERSON"}),
        );
        acct.directory.upsert(
            id,
            Entry {
                person: fields,
                seq,
                photo: None,
                groups: Vec::new(),
            },
            now,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_png_has_a_valid_signature_and_chunks() {
        let png = solid_png(2, 2, [200, 10, 10]);
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        assert_eq!(&png[12..16], b"IHDR");
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND crc");
    }
}
