-- +goose Up
-- Usernames are unique per connection whatever their case, so "ADMIN" cannot
-- sit next to "admin" (sign-in looks usernames up case-insensitively).
-- Existing users whose names differ only in case keep the oldest one's name;
-- the others get "-<id>" appended (for example "Admin-7"), which an
-- administrator can tell them.
UPDATE users SET username = username || '-' || id
WHERE EXISTS (SELECT 1 FROM users o WHERE o.connection_id = users.connection_id
    AND lower(o.username) = lower(users.username) AND o.id < users.id);
CREATE UNIQUE INDEX users_username_nocase ON users (connection_id, lower(username));

-- +goose Down
DROP INDEX users_username_nocase;
