package ask_test

import (
	"fmt"
	"os"
	"testing"
)

// tempRoot holds the stores the package's tests share; removed at exit.
var tempRoot string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aicoo-ask-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tempRoot = dir
	code := m.Run()
	if shared != nil {
		shared.st.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}
