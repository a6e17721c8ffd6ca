-- Which merchant a merchant-portal user works for: each such user sees and answers only
-- that merchant's claims. SQLite.

CREATE TABLE merchant_users (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id)
) STRICT;
CREATE INDEX merchant_users_merchant ON merchant_users(merchant_id);
