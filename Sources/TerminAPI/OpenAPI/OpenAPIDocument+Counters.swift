extension OpenAPIDocument {
    /// The walk-in counters' routes and schemas, merged into the document.
    static let countersText = #"""
    {
      "paths": {
        "/v1/staff/me": {
          "get": {"summary": "The staff account of the bearer token", "operationId": "whoAmI", "tags": ["counters"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "The account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StaffMember"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/tickets": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "post": {"summary": "Draw a walk-in number (the kiosk; a clerk with a bearer token). 409 office-closed when the place takes no walk-ins any more today; 409 queue-full when all 999 numbers are drawn, or at a help place when none of its helpers could serve the concern before the end of their shifts today", "operationId": "drawTicket", "tags": ["counters"],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketRequest"}}}},
                   "responses": {"201": {"description": "The ticket with its display number, estimated wait and walk-ins ahead", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}},
                                         "links": {"ReadTheTicket": {"operationId": "getTicket", "parameters": {"id": "$response.body#/office", "ticket": "$response.body#/id"}},
                                                   "ActOnTheTicket": {"operationId": "actOnTicket", "parameters": {"id": "$response.body#/office", "ticket": "$response.body#/id"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                 "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}},
          "get": {"summary": "Today's tickets of the office (staff)", "operationId": "listTickets", "tags": ["counters"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Tickets in the order drawn", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketList"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/tickets/{ticket}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"$ref": "#/components/parameters/TicketID"}],
          "get": {"summary": "One ticket (no personal data; the id is the citizen's to keep)", "operationId": "getTicket", "tags": ["counters"],
                  "responses": {"200": {"description": "The ticket", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}},
                                "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/tickets/{ticket}/{action}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"$ref": "#/components/parameters/TicketID"},
                         {"name": "action", "in": "path", "required": true, "schema": {"type": "string", "enum": ["recall", "serve", "done", "no-show", "park", "resume", "redirect"]}}],
          "post": {"summary": "Move a ticket on. recall: call again (after the configured number of calls it becomes a no-show); serve: at the desk; done; no-show; park and resume (back where it was); redirect with {desk} or {office}", "operationId": "actOnTicket", "tags": ["counters"], "security": [{"staff": []}],
                   "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketRedirect"}}}},
                   "responses": {"200": {"description": "The ticket after the change", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                 "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/check-ins": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "post": {"summary": "Check an appointment holder in: with the booking's code (kiosk), or by a clerk (bearer token). Opens 120 min before the start, closes 10 min after it (then the booking is a no-show and its time goes to walk-ins; a session's seat never is). A call-back line has no counter: 409 naming office.", "operationId": "checkIn", "tags": ["counters"],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckInRequest"}}}},
                   "responses": {"201": {"description": "The appointment holder's ticket (T number)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                 "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/queue": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "The public queue status: numbers at the desks, how many wait, the estimated wait of a new walk-in, the latest calls. No personal data.", "operationId": "queueStatus", "tags": ["counters"],
                  "parameters": [{"name": "service", "in": "query", "description": "Estimate for these services (ID[:QTY][,…])", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}(:[0-9]{1,18})?(,[1-9][0-9]{0,17}(:[0-9]{1,18})?){0,4}$"}}],
                  "responses": {"200": {"description": "Status (Cache-Control max-age=2)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueueStatus"}}}},
                                "404": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/calls": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "The office's calls as server-sent events: event `call`, data a Call; a comment every 15 s keeps the stream alive", "operationId": "callStream", "tags": ["counters"],
                  "responses": {"200": {"description": "An event stream until the client goes", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                                "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/desks/{desk}/call-next": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"$ref": "#/components/parameters/DeskNumber"}],
          "post": {"summary": "Call the next citizen to this desk: due appointments first, then walk-ins in arrival order that fit before the desk's next appointment (a walk-in waiting 45 min or more is passed by nobody younger)", "operationId": "callNext", "tags": ["counters"], "security": [{"staff": []}],
                   "responses": {"200": {"description": "The ticket called", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}},
                                 "204": {"description": "Nobody to call now"},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                 "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/desks/{desk}/{change}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"$ref": "#/components/parameters/DeskNumber"},
                         {"name": "change", "in": "path", "required": true, "schema": {"type": "string", "enum": ["close", "open"]}}],
          "post": {"summary": "Take a desk out of service for the rest of today, or back in (leads and admins)", "operationId": "changeDesk", "tags": ["counters"], "security": [{"staff": []}],
                   "responses": {"204": {"description": "Done"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"},
                                 "404": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/bookings/{booking}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"name": "booking", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "get": {"summary": "A booking at this office as the counter sees it, with its check-in ticket", "operationId": "counterBooking", "tags": ["counters"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "The booking", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CounterBooking"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/audit": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "The audit log of an office's day (leads and admins): who did what to which ticket, booking or desk, when", "operationId": "auditLog", "tags": ["counters"], "security": [{"staff": []}],
                  "parameters": [{"name": "date", "in": "query", "description": "Default today", "schema": {"type": "string", "format": "date"}}],
                  "responses": {"200": {"description": "Entries, oldest first (at most 5,000)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AuditLog"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/kiosk": {"get": {"summary": "The kiosk page (German): choose a concern, take a number (?office=ID)", "operationId": "kioskPage", "tags": ["pages"],
                           "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/counter": {"get": {"summary": "The counter workstation page (German, staff token)", "operationId": "counterPage", "tags": ["pages"],
                             "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/display": {"get": {"summary": "The call display page (German, ?office=ID)", "operationId": "displayPage", "tags": ["pages"],
                             "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/assist": {"get": {"summary": "The page for helpers and intermediaries (German and English, staff token): find a time by concern, language and kind of place, book it for the person, read out or print the confirmation", "operationId": "assistPage", "tags": ["pages"],
                            "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}}}
      },
      "schemas": {
        "TicketRequest": {"type": "object", "required": ["services"], "properties": {
          "services": {"type": "array", "minItems": 1, "maxItems": 5, "items": {"$ref": "#/components/schemas/ServiceQuantity"}}}},
        "TicketRedirect": {"type": "object", "description": "For redirect: another desk here, or another office (one of them)", "properties": {
          "desk": {"type": "integer", "minimum": 1, "maximum": 999}, "office": \#(id)}},
        "CheckInRequest": {"type": "object", "required": ["booking"], "properties": {"booking": {"type": "string", "format": "uuid"}, "code": {"type": "string", "description": "The booking's code; required unless a clerk checks in"}}},
        "TicketList": {"type": "object", "required": ["office", "tickets"], "properties": {
          "office": {"type": "integer"}, "tickets": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}}}},
        "AuditLog": {"type": "object", "required": ["office", "date", "entries"], "properties": {
          "office": {"type": "integer"}, "date": {"type": "string", "format": "date"}, "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}}}},
        "AtDesk": {"type": "object", "required": ["number", "desk", "serving"], "properties": {"number": {"type": "string"}, "desk": {"type": "integer"}, "serving": {"type": "boolean"}}},
        "CounterBooking": {"type": "object", "required": ["id", "office", "desk_id", "start", "end", "status", "channel", "services"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "office": {"type": "integer"}, "desk_id": {"type": "integer"},
          "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
          "status": {"type": "string", "enum": ["confirmed", "cancelled", "no_show"]}, "channel": {"$ref": "#/components/schemas/Channel"},
          "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
          "contact_name": {"type": ["string", "null"]}, "contact_phone": {"type": ["string", "null"], "description": "The number to call back, at a call-back line"}, "ticket": {"$ref": "#/components/schemas/Ticket", "description": "The check-in ticket, once checked in"}}},
        "Ticket": {"type": "object", "required": ["id", "office", "date", "number", "kind", "state", "services", "calls", "arrived_at"], "properties": {
          "id": {"type": "string", "format": "uuid"}, "office": {"type": "integer"}, "date": {"type": "string", "format": "date"},
          "number": {"type": "string", "description": "W 042 for walk-ins, T 007 for appointment holders"},
          "kind": {"type": "string", "enum": ["walk_in", "appointment"]},
          "state": {"type": "string", "enum": ["waiting", "called", "serving", "done", "no_show", "parked", "redirected"]},
          "services": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceQuantity"}},
          "appointment": {"type": ["string", "null"]}, "appointment_start": {"type": ["string", "null"], "format": "date-time"},
          "desk": {"type": ["integer", "null"]}, "target_desk": {"type": ["integer", "null"]}, "calls": {"type": "integer"},
          "arrived_at": {"type": "string", "format": "date-time"}, "called_at": {"type": ["string", "null"], "format": "date-time"},
          "serving_at": {"type": ["string", "null"], "format": "date-time"}, "finished_at": {"type": ["string", "null"], "format": "date-time"},
          "estimated_wait_minutes": {"type": ["integer", "null"]}, "redirected_to": {"type": ["string", "null"]},
          "waiting_ahead": {"type": ["integer", "null"], "description": "Walk-ins ahead when drawn"}}},
        "Call": {"type": "object", "properties": {"number": {"type": "string"}, "desk": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "calls": {"type": "integer"}}},
        "QueueStatus": {"type": "object", "properties": {
          "office": {"type": "integer"}, "date": {"type": "string", "format": "date"},
          "at_desks": {"type": "array", "items": {"$ref": "#/components/schemas/AtDesk"}},
          "waiting_walk_ins": {"type": "integer"}, "waiting_appointments": {"type": "integer"}, "desks_in_service": {"type": "integer"},
          "estimated_wait_minutes": {"type": ["integer", "null"], "description": "Left out when there is no estimate: the office takes no walk-ins now (takes_walk_ins false) or no desk serves one before closing"},
          "takes_walk_ins": {"type": "boolean"},
          "recent_calls": {"type": "array", "items": {"$ref": "#/components/schemas/Call"}}}},
        "StaffMember": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
          "role": {"type": "string", "enum": ["clerk", "lead", "planner", "admin"]}, "offices": {"type": "array", "items": {"type": "integer"}, "description": "Empty: every office"}}},
        "AuditEntry": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}, "actor": {"type": "string", "enum": ["staff", "kiosk", "citizen", "engine"]},
          "staff_id": {"type": ["integer", "null"]}, "staff_name": {"type": ["string", "null"]}, "action": {"type": "string"}, "subject": {"type": "string"}, "detail": {"type": ["string", "null"]}}}
      }
    }
    """#
}
