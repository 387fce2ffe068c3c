import Foundation
import Glibc

/// A mailbox: an address and, optionally, a display name.
public struct MailAddress: Sendable, Equatable {
    public let address: String
    public let name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// As a header writes it (`=?UTF-8?B?…?= <a@b>` for a name that is not plain ASCII).
    var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        return MailMessage.encodedWord(name, quoting: true) + " <\(address)>"
    }
}

/// An e-mail as RFC 5322 and MIME (RFC 2045–2047) describe it: a text part and, optionally, an iCalendar part
/// (RFC 6047: `text/calendar` with its `method`), rendered with CRLF line ends and base64 bodies.
public struct MailMessage: Sendable, Equatable {
    /// `<…@…>`: stable per message, so a receiver can tell a redelivery from a new message.
    public let messageID: String
    public let from: MailAddress
    public let to: MailAddress
    public let subject: String
    public let date: Date
    public let text: String
    /// The calendar object and its iTIP method.
    public let calendar: CalendarPart?

    /// An iCalendar object sent by mail (RFC 6047): its iTIP method (`REQUEST`, `CANCEL`) and its text.
    public struct CalendarPart: Sendable, Equatable {
        public let method: String
        public let content: String
        public init(method: String, content: String) {
            self.method = method
            self.content = content
        }
    }

    public init(messageID: String, from: MailAddress, to: MailAddress, subject: String, date: Date, text: String,
                calendar: CalendarPart? = nil) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.text = text
        self.calendar = calendar
    }

    /// The message as sent: headers, then the MIME body, lines ending in CRLF.
    public var rendered: String {
        let boundary = "termin-part-" + String(messageID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
        var lines = [
            "Message-ID: \(messageID)",
            "Date: \(Self.rfc5322(date))",
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(Self.encodedWord(subject, quoting: false))",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64(text),
        ]
        if let calendar {
            lines += [
                "--\(boundary)",
                "Content-Type: text/calendar; charset=utf-8; method=\(calendar.method)",
                "Content-Disposition: attachment; filename=\"termin.ics\"",
                "Content-Transfer-Encoding: base64",
                "",
                Self.base64(calendar.content),
            ]
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A text part in base64, in lines of 76 characters (RFC 2045 §6.8), its own lines ending in CRLF first, as text in
    /// its canonical form does (RFC 2046 §4.1.1).
    static func base64(_ text: String) -> String {
        let canonical = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Data(canonical.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                  .endLineWithLineFeed])
    }

    /// A header text: as it is when plain printable ASCII (quoted when `quoting` and it holds specials), else as RFC
    /// 2047 encoded words (UTF-8, base64), each short enough for a header line.
    static func encodedWord(_ text: String, quoting: Bool) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if plain {
            guard quoting, text.contains(where: { "()<>[]:;@\\,.\"".contains($0) }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        // At most 45 bytes a word (60 base64 characters), never splitting a character.
        var words: [String] = [], chunk = ""
        for character in text {
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// `Sat, 05 Dec 2026 07:00:00 +0000` (RFC 5322 §3.3, in UTC).
    static func rfc5322(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S +0000", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
