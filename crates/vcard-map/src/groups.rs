//! The account's contact groups, for `CATEGORIES` ⇄ memberships.

use std::collections::HashMap;

/// Resource names ⇄ group names. `myContacts` and `starred` are always known.
#[derive(Default, Clone, Debug)]
pub struct GroupTable {
    by_resource: HashMap<String, String>,
    by_name: HashMap<String, String>,
}

/// Google's system groups that every account has, by resource name and internal name.
const SYSTEM: [(&str, &str); 2] = [
    ("contactGroups/myContacts", "myContacts"),
    ("contactGroups/starred", "starred"),
];

impl GroupTable {
    /// A table from `(resourceName, name)` pairs, e.g. from `contactGroups.list`.
    pub fn new(groups: impl IntoIterator<Item = (String, String)>) -> GroupTable {
        let mut table = GroupTable::default();
        for (resource, name) in groups {
            table
                .by_name
                .entry(name.clone())
                .or_insert_with(|| resource.clone());
            table.by_resource.insert(resource, name);
        }
        table
    }

    /// The name of a group, e.g. `"Band"` for `contactGroups/1a2b`.
    pub fn name_of(&self, resource_name: &str) -> Option<&str> {
        self.by_resource
            .get(resource_name)
            .map(String::as_str)
            .or_else(|| {
                SYSTEM
                    .iter()
                    .find(|(r, _)| *r == resource_name)
                    .map(|(_, n)| *n)
            })
    }

    /// The resource name of the group called `name` (exact, then case-insensitive).
    pub fn resource_of(&self, name: &str) -> Option<&str> {
        if let Some(r) = self.by_name.get(name) {
            return Some(r);
        }
        if let Some((r, _)) = SYSTEM.iter().find(|(_, n)| *n == name) {
            return Some(r);
        }
        self.by_name
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, r)| r.as_str())
    }
}
