package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AskThread is one conversation of a user with aicoo.
type AskThread struct {
	ID           int64
	ConnectionID int64
	UserID       int64
	Title        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Roles of an ask message.
const (
	AskRoleUser      = "user"
	AskRoleAssistant = "assistant"
)

// AskMessage is a question or an answer of a thread. Tools, Sources and
// Ungrounded are JSON arrays the chat package writes and reads (the store
// keeps them as they are).
type AskMessage struct {
	ID         int64
	ThreadID   int64
	Role       string
	Content    string
	Tools      json.RawMessage
	Sources    json.RawMessage
	Ungrounded json.RawMessage
	Note       string
	CreatedAt  time.Time
}

// askTitleMax bounds a thread's title, in characters.
const askTitleMax = 200

func askTitle(title string) (string, error) {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return "", fmt.Errorf("store: a thread needs a title")
	}
	if r := []rune(title); len(r) > askTitleMax {
		title = string(r[:askTitleMax-1]) + "…"
	}
	return title, nil
}

const askThreadColumns = `id, connection_id, user_id, title, created_at, updated_at`

func scanAskThread(row interface{ Scan(...any) error }) (*AskThread, error) {
	var t AskThread
	if err := row.Scan(&t.ID, &t.ConnectionID, &t.UserID, &t.Title, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

// AskThreadCreate starts a thread for a user; the title is cut to 200
// characters, its spaces collapsed.
func (s *Store) AskThreadCreate(ctx context.Context, connectionID, userID int64, title string) (*AskThread, error) {
	title, err := askTitle(title)
	if err != nil {
		return nil, err
	}
	now := s.nowUTC()
	t, err := scanAskThread(s.q.QueryRowContext(ctx, `INSERT INTO ask_threads (connection_id, user_id, title, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING `+askThreadColumns, connectionID, userID, title, now))
	if err != nil {
		return nil, fmt.Errorf("store: create thread: %w", err)
	}
	return t, nil
}

// AskThreadList lists a user's threads, the most recently active first.
func (s *Store) AskThreadList(ctx context.Context, userID int64, limit int) ([]*AskThread, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+askThreadColumns+` FROM ask_threads WHERE user_id = $1
		ORDER BY updated_at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list threads: %w", err)
	}
	defer rows.Close()
	var out []*AskThread
	for rows.Next() {
		t, err := scanAskThread(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list threads: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AskThreadGet returns the user's thread; ErrNotFound when the user has no
// such thread (another user's thread included).
func (s *Store) AskThreadGet(ctx context.Context, userID, id int64) (*AskThread, error) {
	t, err := scanAskThread(s.q.QueryRowContext(ctx, `SELECT `+askThreadColumns+` FROM ask_threads WHERE id = $1 AND user_id = $2`, id, userID))
	if err != nil {
		return nil, notFound(err, "thread")
	}
	return t, nil
}

// AskThreadRename renames the user's thread; ErrNotFound when the user has
// no such thread.
func (s *Store) AskThreadRename(ctx context.Context, userID, id int64, title string) (*AskThread, error) {
	title, err := askTitle(title)
	if err != nil {
		return nil, err
	}
	t, err := scanAskThread(s.q.QueryRowContext(ctx, `UPDATE ask_threads SET title = $3 WHERE id = $1 AND user_id = $2
		RETURNING `+askThreadColumns, id, userID, title))
	if err != nil {
		return nil, notFound(err, "thread")
	}
	return t, nil
}

// AskThreadDelete deletes the user's thread and its messages; ErrNotFound
// when the user has no such thread.
func (s *Store) AskThreadDelete(ctx context.Context, userID, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM ask_threads WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("store: delete thread %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: delete thread %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("store: thread %d: %w", id, ErrNotFound)
	}
	return nil
}

const askMessageColumns = `id, thread_id, role, content, tools, sources, ungrounded, note, created_at`

func scanAskMessage(row interface{ Scan(...any) error }) (*AskMessage, error) {
	var (
		m                          AskMessage
		tools, sources, ungrounded string
	)
	if err := row.Scan(&m.ID, &m.ThreadID, &m.Role, &m.Content, &tools, &sources, &ungrounded, &m.Note, &m.CreatedAt); err != nil {
		return nil, err
	}
	m.Tools, m.Sources, m.Ungrounded = json.RawMessage(tools), json.RawMessage(sources), json.RawMessage(ungrounded)
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// jsonArray returns raw, or [] when empty; it refuses what is not a JSON
// array.
func jsonArray(what string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "[]", nil
	}
	var v []any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("store: message %s must be a JSON array: %w", what, err)
	}
	return string(raw), nil
}

// AskMessageAdd appends a message to a thread and marks the thread active.
func (s *Store) AskMessageAdd(ctx context.Context, m AskMessage) (*AskMessage, error) {
	if m.Role != AskRoleUser && m.Role != AskRoleAssistant {
		return nil, fmt.Errorf("store: message role %q: want user or assistant", m.Role)
	}
	tools, err := jsonArray("tools", m.Tools)
	if err != nil {
		return nil, err
	}
	sources, err := jsonArray("sources", m.Sources)
	if err != nil {
		return nil, err
	}
	ungrounded, err := jsonArray("ungrounded", m.Ungrounded)
	if err != nil {
		return nil, err
	}
	var out *AskMessage
	err = s.InTx(ctx, func(tx *Store) error {
		now := tx.nowUTC()
		res, err := tx.q.ExecContext(ctx, `UPDATE ask_threads SET updated_at = $2 WHERE id = $1`, m.ThreadID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("thread %d: %w", m.ThreadID, ErrNotFound)
		}
		out, err = scanAskMessage(tx.q.QueryRowContext(ctx, `INSERT INTO ask_messages (thread_id, role, content, tools, sources, ungrounded, note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+askMessageColumns,
			m.ThreadID, m.Role, m.Content, tools, sources, ungrounded, m.Note, now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: add message: %w", err)
	}
	return out, nil
}

// AskMessageList lists a thread's messages, oldest first.
func (s *Store) AskMessageList(ctx context.Context, threadID int64) ([]*AskMessage, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+askMessageColumns+` FROM ask_messages WHERE thread_id = $1 ORDER BY id`, threadID)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	defer rows.Close()
	var out []*AskMessage
	for rows.Next() {
		m, err := scanAskMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
