package series

import "time"

var timeUTC = time.UTC
