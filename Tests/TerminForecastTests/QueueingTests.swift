import Foundation
import Testing
@testable import TerminForecast

/// Erlang C and A against published figures and a discrete-event simulation.
@Suite struct QueueingTests {
    @Test func erlangCMatchesThePublishedFigures() {
        // 30 arrivals an hour, 12 minutes' handling, 7 desks: P(wait) 0.614, 80/20 service level 0.884.
        let model = ErlangC(arrivalsPerHour: 30, handlingMinutes: 12)
        #expect(model.load == 6)
        #expect(abs(model.probabilityOfWait(desks: 7) - 0.614) < 0.0005)
        #expect(abs(model.serviceLevel(desks: 7, withinMinutes: 20) - 0.884) < 0.0005)
        #expect(model.desksNeeded(serviceLevel: 0.8, withinMinutes: 20) == 7)
        #expect(model.probabilityOfWait(desks: 6) == 1 && model.serviceLevel(desks: 6, withinMinutes: 20) == 0)
    }

    @Test func erlangAApproachesErlangCAsPatienceGrows() {
        let c = ErlangC(arrivalsPerHour: 30, handlingMinutes: 12)
        let a = ErlangA(arrivalsPerHour: 30, handlingMinutes: 12, patienceMinutes: 1e7).outcome(desks: 7, withinMinutes: 20)
        #expect(abs(a.probabilityOfWait - c.probabilityOfWait(desks: 7)) < 0.002)
        #expect(abs(a.serviceLevel - c.serviceLevel(desks: 7, withinMinutes: 20)) < 0.002)
        #expect(a.probabilityOfAbandon < 0.001)
    }

    @Test func erlangCAgreesWithASimulation() {
        let simulated = Simulation.run(arrivalsPerHour: 30, handlingMinutes: 12, desks: 7, patienceMinutes: nil,
                                       withinMinutes: 20, customers: 400_000, seed: 3)
        let model = ErlangC(arrivalsPerHour: 30, handlingMinutes: 12)
        #expect(abs(simulated.waited - model.probabilityOfWait(desks: 7)) < 0.015)
        #expect(abs(simulated.servedInTime - model.serviceLevel(desks: 7, withinMinutes: 20)) < 0.01)
    }

    @Test func erlangAAgreesWithASimulation() {
        // Overloaded without patience (load 7 on 6 desks): only giving up keeps the queue finite.
        let simulated = Simulation.run(arrivalsPerHour: 35, handlingMinutes: 12, desks: 6, patienceMinutes: 10,
                                       withinMinutes: 5, customers: 400_000, seed: 5)
        let outcome = ErlangA(arrivalsPerHour: 35, handlingMinutes: 12, patienceMinutes: 10).outcome(desks: 6, withinMinutes: 5)
        #expect(abs(simulated.waited - outcome.probabilityOfWait) < 0.015)
        #expect(abs(simulated.abandoned - outcome.probabilityOfAbandon) < 0.01)
        #expect(abs(simulated.servedInTime - outcome.serviceLevel) < 0.015)
    }

    @Test func staffingAddsScheduledWorkloadAndShrinkage() {
        let hour = StaffingPlan.Demand(period: Period(.hourly, containing: .init(iso: "2026-11-24")!, hour: 9),
                                       walkIns: 30, appointments: 10, desksProvided: 10)
        let plan = StaffingPlan(demand: [hour], walkInHandlingMinutes: 12, appointmentHandlingMinutes: 27,
                                targets: .init(serviceLevel: 0.8, withinMinutes: 20, shrinkage: 0.3))
        let planned = plan.hours[0]
        // 10 appointments × 27 min = 4.5 desks → 5; walk-ins → 7 (Erlang C); 12 desks over 0.7 → 18 staff.
        #expect(planned.appointmentDesks == 5 && planned.walkInDesks == 7 && planned.desksNeeded == 12)
        #expect(planned.staffNeeded == 18 && planned.desksShort == 2)
        #expect(abs(planned.occupancy - (4.5 + 6) / 12) < 1e-9)
    }

    @Test func leadTimeGrowsWhenDemandOutrunsCapacity() throws {
        let today = LocalDate(iso: "2026-11-22")!  // a Sunday
        var capacity: [LocalDate: Double] = [:]
        for ahead in 1...120 where today.adding(days: ahead).isoWeekday <= 5 { capacity[today.adding(days: ahead)] = 100 }
        // Four weeks below capacity (80 a weekday), then four above (150): the backlog grows by 50 a weekday.
        let demand = (1...56).map { ahead -> (day: LocalDate, appointments: Double) in
            let day = today.adding(days: ahead)
            return (day, day.isoWeekday > 5 ? 0 : (ahead <= 28 ? 80 : 150))
        }
        let projection = LeadTimeProjection(today: today, demand: demand, capacity: capacity, booked: [:], horizonDays: 42, targetDays: 7)
        #expect(projection.weeks.count == 8)
        // Below capacity the next day has room, except from Friday, when it is Monday.
        for week in 0..<4 { #expect(projection.weeks[week].leadDays == 3) }
        for week in 4..<7 { #expect(projection.weeks[week + 1].leadDays! > projection.weeks[week].leadDays!) }
        let breach = try #require(projection.firstBreach)
        #expect(breach.start > LocalDate(iso: "2026-12-21")! && breach.leadDays! > 7)
        #expect(projection.weeks.filter { $0.start < breach.start }.allSatisfy { $0.leadDays! <= 7 })
    }
}

import TerminCore

/// A discrete-event simulation of a first-come-first-served queue with `desks` servers, exponential handling and
/// (optionally) exponential patience: each arrival starts at the earliest free desk unless its wait exceeds its
/// patience, in which case it leaves and occupies no desk.
enum Simulation {
    struct Result { let waited: Double, abandoned: Double, servedInTime: Double }

    static func run(arrivalsPerHour: Double, handlingMinutes: Double, desks: Int, patienceMinutes: Double?,
                    withinMinutes: Double, customers: Int, seed: UInt64) -> Result {
        var random = TestSeries.Random(state: seed)
        var free = [Double](repeating: 0, count: desks)
        var now = 0.0
        var waited = 0, abandoned = 0, inTime = 0, counted = 0
        let warmUp = customers / 20
        for customer in 0..<customers {
            now += random.exponential(mean: 60 / arrivalsPerHour)
            let desk = free.indices.min { free[$0] < free[$1] }!
            let wait = max(0, free[desk] - now)
            let patience = patienceMinutes.map { random.exponential(mean: $0) } ?? .infinity
            let handling = random.exponential(mean: handlingMinutes)
            let leaves = wait > patience
            if !leaves { free[desk] = now + wait + handling }
            guard customer >= warmUp else { continue }
            counted += 1
            if wait > 0 { waited += 1 }
            if leaves { abandoned += 1 } else if wait <= withinMinutes { inTime += 1 }
        }
        return Result(waited: Double(waited) / Double(counted), abandoned: Double(abandoned) / Double(counted),
                      servedInTime: Double(inTime) / Double(counted))
    }
}
