-- +goose Up
-- A user's mobile number in E.164 form (+32470123456), where the alerts
-- that name the sms channel are texted; empty means no SMS for the user.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN phone;
