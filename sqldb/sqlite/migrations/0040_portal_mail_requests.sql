-- Requests that make the help centre mail a link to an address (registering, asking
-- for a new password), limited per address and per network address as failed sign-ins
-- are. Every request counts, so ok stays false.
CREATE TABLE portal_mail_requests (
	id    BLOB PRIMARY KEY,
	at    TIMESTAMP NOT NULL,
	email TEXT NOT NULL,
	addr  TEXT NOT NULL,
	ok    BOOLEAN NOT NULL
);
CREATE INDEX portal_mail_requests_email ON portal_mail_requests (email, at);
CREATE INDEX portal_mail_requests_addr ON portal_mail_requests (addr, at);
