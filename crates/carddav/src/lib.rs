//! The CardDAV/WebDAV front end.
