//! Person to vCard 3.0/4.0 mapping and back, lossless.
