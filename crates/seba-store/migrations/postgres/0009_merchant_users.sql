-- Which merchant a merchant-portal user works for: each such user sees and answers only
-- that merchant's claims. PostgreSQL.

CREATE TABLE merchant_users (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id),
    merchant_id BIGINT NOT NULL REFERENCES merchants(id)
);
CREATE INDEX merchant_users_merchant ON merchant_users(merchant_id);
