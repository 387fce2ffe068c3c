extension OpenAPIDocument {
    /// The master-data routes and schemas, merged into the document.
    static let masterDataText = #"""
    {
      "paths": {
        "/v1/offices/{id}/opening-rules": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "The office's opening rules (leads and admins of the office)", "operationId": "getOpeningRules", "tags": ["master data"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "The rules", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpeningRules"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}},
          "put": {"summary": "Replace the office's opening rules (admins). In force on every instance at once; bookings the new hours no longer cover are kept and listed as conflicts. Rules that overlap (a weekday, a day of validity and a minute in common), a rule closing before it opens, valid_to before valid_from, or more staffed desks than the office has: 422, nothing changed. Audited.", "operationId": "replaceOpeningRules", "tags": ["master data"], "security": [{"staff": []}],
                  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpeningRulesChange"}}}},
                  "responses": {"200": {"description": "The rules now in force and the conflicts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OpeningRules"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/closures": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "The office's closing days from today on (leads and admins of the office); the city's public holidays are closed without being listed", "operationId": "listClosures", "tags": ["master data"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Closing days in date order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Closures"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}},
          "post": {"summary": "Close the office on days (leads and admins of the office): JSON {from, to, reason}, or an iCalendar file (text/calendar, at most 256 KiB) whose events' days are closed with their SUMMARY as reason (recurring events are refused). Today and later days only, at most 366; a day closed already takes the new reason. Bookings on those days are kept and listed as conflicts. Audited.", "operationId": "addClosures", "tags": ["master data"], "security": [{"staff": []}],
                   "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClosureChange"}},
                                                                 "text/calendar": {"schema": {"type": "string"}}}},
                   "responses": {"201": {"description": "The days closed and the conflicts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Closures"}}}},
                                 "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                 "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/closures/{date}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"name": "date", "in": "path", "required": true, "schema": {"type": "string", "format": "date"}}],
          "delete": {"summary": "Open a closed day again (leads and admins of the office). Audited.", "operationId": "removeClosure", "tags": ["master data"], "security": [{"staff": []}],
                     "responses": {"204": {"description": "Open again"},
                                   "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/desks/{desk}": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}, {"$ref": "#/components/parameters/DeskNumber"}],
          "patch": {"summary": "Change a desk (leads and admins of the office): the services it serves (offered by the office), whether it is accessible, whether it is in service at all. What is absent stays. Bookings on a desk taken out of service are kept and listed as conflicts. Audited.", "operationId": "changeDesk", "tags": ["master data"], "security": [{"staff": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeskChange"}}}},
                    "responses": {"200": {"description": "The desk as it now is and the conflicts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeskChanged"}}}},
                                  "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                  "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/booking-rules": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "patch": {"summary": "Change the office's online share, horizon or minimum notice (admins). What is absent stays; they bind new bookings only. Audited.", "operationId": "changeBookingRules", "tags": ["master data"], "security": [{"staff": []}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingRulesChange"}}}},
                    "responses": {"200": {"description": "The booking rules now in force", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingRules"}}}},
                                  "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
                                  "422": {"$ref": "#/components/responses/Problem"}}}
        },
        "/v1/offices/{id}/conflicts": {
          "parameters": [{"$ref": "#/components/parameters/OfficeID"}],
          "get": {"summary": "Confirmed bookings still to come that the master data in force no longer opens (a closed day, hours that do not cover them, a desk out of service), for staff to move or cancel (leads and admins of the office)", "operationId": "listConflicts", "tags": ["master data"], "security": [{"staff": []}],
                  "responses": {"200": {"description": "Conflicts in start order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conflicts"}}}},
                                "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}
        }
      },
      "schemas": {
        "Time": {"type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", "description": "A time of day, HH:MM; 24:00 is midnight at the end of the day"},
        "OpeningRule": {"type": "object", "required": ["weekdays", "valid_from", "opens", "closes", "staffed_desks"], "properties": {
          "weekdays": {"type": "array", "minItems": 1, "maxItems": 7, "uniqueItems": true, "items": {"type": "integer", "minimum": 1, "maximum": 7}, "description": "ISO weekdays, 1 = Monday"},
          "valid_from": {"type": "string", "format": "date", "description": "From 2000-01-01 on"},
          "valid_to": {"type": "string", "format": "date", "description": "The last day the rule applies; absent: open-ended"},
          "opens": {"$ref": "#/components/schemas/Time"}, "closes": {"$ref": "#/components/schemas/Time"},
          "staffed_desks": {"type": "integer", "minimum": 1, "maximum": 999, "description": "Desks 1 to this number are staffed (at most the office's desks)"}}},
        "OpeningRulesChange": {"type": "object", "required": ["rules"], "properties": {"rules": {"type": "array", "maxItems": 50, "items": {"$ref": "#/components/schemas/OpeningRule"}}}},
        "OpeningRules": {"type": "object", "required": ["office", "rules"], "properties": {
          "office": \#(id), "rules": {"type": "array", "items": {"$ref": "#/components/schemas/OpeningRule"}},
          "conflicts": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "After a change: the bookings it left outside the hours"}}},
        "ClosureChange": {"type": "object", "required": ["from", "reason"], "properties": {
          "from": {"type": "string", "format": "date", "description": "Today or later"},
          "to": {"type": "string", "format": "date", "description": "Inclusive, on or after from, at most 365 days after it; absent: from alone"},
          "reason": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"}}},
        "Closure": {"type": "object", "required": ["date", "reason"], "properties": {"date": {"type": "string", "format": "date"}, "reason": {"type": "string"}}},
        "Closures": {"type": "object", "required": ["office", "closures"], "properties": {
          "office": \#(id), "closures": {"type": "array", "items": {"$ref": "#/components/schemas/Closure"}},
          "conflicts": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "After a change: the bookings on the days it closed"}}},
        "DeskChange": {"type": "object", "description": "A member absent or null stays as it is", "properties": {
          "services": {"type": ["array", "null"], "minItems": 1, "items": \#(id), "description": "Services the office offers"},
          "accessible": {"type": ["boolean", "null"]}, "in_service": {"type": ["boolean", "null"]}}},
        "MasterDesk": {"type": "object", "required": ["number", "services", "accessible", "in_service"], "properties": {
          "number": {"type": "integer", "minimum": 1}, "services": {"type": "array", "items": {"type": "integer"}},
          "accessible": {"type": "boolean"}, "in_service": {"type": "boolean"}}},
        "DeskChanged": {"type": "object", "required": ["office", "desk", "conflicts"], "properties": {
          "office": \#(id), "desk": {"$ref": "#/components/schemas/MasterDesk"},
          "conflicts": {"type": "array", "items": {"type": "string", "format": "uuid"}}}},
        "BookingRulesChange": {"type": "object", "description": "A member absent or null stays as it is", "properties": {
          "online_withheld_percent": {"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": "Share of each day's desk time kept from online booking"},
          "horizon_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 730}, "min_notice_minutes": {"type": ["integer", "null"], "minimum": 0, "maximum": 43200}}},
        "BookingRules": {"type": "object", "required": ["office", "online_withheld_percent", "horizon_days", "min_notice_minutes"], "properties": {
          "office": \#(id), "online_withheld_percent": {"type": "integer", "minimum": 0, "maximum": 100},
          "horizon_days": {"type": "integer", "minimum": 0}, "min_notice_minutes": {"type": "integer", "minimum": 0}}},
        "Conflict": {"type": "object", "required": ["booking", "start", "end", "services"], "properties": {
          "booking": {"type": "string", "format": "uuid"}, "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
          "desk": {"type": "integer", "minimum": 1}, "services": {"type": "array", "items": {"type": "integer"}}}},
        "Conflicts": {"type": "object", "required": ["office", "conflicts"], "properties": {
          "office": \#(id), "conflicts": {"type": "array", "items": {"$ref": "#/components/schemas/Conflict"}}}}
      }
    }
    """#
}
