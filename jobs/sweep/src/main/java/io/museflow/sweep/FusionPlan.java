package io.museflow.sweep;

import io.museflow.data.InputDataException;
import io.museflow.data.Target;
import io.museflow.job.Console;
import io.museflow.learn.TrialSpec;
import io.museflow.learn.fusion.FusionModel;
import io.museflow.results.SweepLayout;
import io.museflow.results.TrialRow;
import io.museflow.results.TrialsTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The late-fusion trials of a sweep, in rounds: what {@code fusion.inputs} selects from the grid's
 * successful trials (devel CCC only, never test). Every rule but greedy is planned in the first
 * round; a greedy search adds one round per step (the candidate fusions of the current selection
 * plus each remaining set, trained with the first fusion seed), and when no candidate raises devel
 * CCC its final selection is trained with every seed. Beside every learned fusion comes the
 * untrained mean of the same sources.
 *
 * <p>Sources may be joint {@code arousal+valence} trials: a trial is a candidate for each target it
 * predicts, ranked by its devel CCC on that target.
 */
final class FusionPlan {
    /** A successful grid trial as a fusion source for one target. */
    record Candidate(String trialId, String sets, Target target, double devel, String groupId, long seed) {
    }

    private final SweepGrid grid;
    private final String fingerprint;
    private final Path out;
    private final Configuration conf;
    private final Console log;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<Greedy> searches = new ArrayList<>();
    private boolean started;

    FusionPlan(SweepGrid grid, String fingerprint, Path out, Configuration conf, Console log) throws IOException {
        this.grid = grid;
        this.fingerprint = fingerprint;
        this.out = out;
        this.conf = conf;
        this.log = log;
        Set<String> done = SweepLayout.committed(out, conf);
        Set<String> seen = new LinkedHashSet<>();
        for (TrialSpec t : grid.trials()) {
            String id = t.id(fingerprint);
            if (!done.contains(id) || !seen.add(id)) {
                continue;
            }
            TrialRow row = TrialsTable.read(SweepTask.rowFile(out.toString(), id), conf);
            if (!row.ok()) {
                continue;
            }
            for (Target target : t.targets()) {
                Object ccc = row.values().get("devel_ccc_" + target.key());
                if (ccc != null) {
                    candidates.add(new Candidate(id, row.featureSets(), target, (Double) ccc,
                            (String) row.values().get("group_id"), t.seed()));
                }
            }
        }
    }

    /**
     * The early-fusion trials {@code fusion.early} asks for: per entry and target, the top sets'
     * concatenation with the settings of the best trial among them, for every seed of the grid.
     */
    List<TrialSpec> early() {
        List<TrialSpec> out = new ArrayList<>();
        Set<Long> seeds = new java.util.TreeSet<>();
        grid.trials().forEach(t -> seeds.add(t.seed()));
        for (SweepGrid.Fusion.Early e : grid.fusion().early()) {
            for (Target target : targets()) {
                List<Candidate> top = candidates.stream().map(Candidate::sets).distinct()
                        .filter(set -> !set.contains("+") && (e.sets().isEmpty() || e.sets().contains(set)))
                        .map(set -> bestOf(target, set)).flatMap(Optional::stream)
                        .sorted(Comparator.comparingDouble(Candidate::devel).reversed()).limit(e.top()).toList();
                if (top.size() < e.top()) {
                    log.warn("early fusion of the top " + e.top() + " sets for " + target + ": only " + top.size()
                            + " sets have successful trials; skipped");
                    continue;
                }
                TrialSpec base = grid.trials().stream().filter(t -> t.id(fingerprint).equals(top.get(0).trialId()))
                        .findFirst().orElseThrow();
                String sets = String.join("+", top.stream().map(Candidate::sets).toList());
                log.info("early fusion for " + target + ": " + sets + " with the settings of " + base.name());
                for (long seed : seeds) {
                    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(base.rendered())
                            .withValue("feature-sets", com.typesafe.config.ConfigValueFactory.fromIterable(
                                    top.stream().map(Candidate::sets).toList()))
                            .withValue("seed", com.typesafe.config.ConfigValueFactory.fromAnyRef(seed));
                    out.add(TrialSpec.from(io.museflow.config.Settings.view(TrialSpec.SECTION, c)));
                }
            }
        }
        return out;
    }

    /** The targets fusion runs for: those of the grid's trials, joint ones included. */
    private List<Target> targets() {
        Set<Target> out = new LinkedHashSet<>();
        grid.trials().forEach(t -> out.addAll(t.targets()));
        return List.copyOf(out);
    }

    /** The next round's units (empty when fusion is complete). */
    List<FusionUnit> next() throws IOException {
        List<FusionUnit> units = new ArrayList<>();
        if (!started) {
            started = true;
            for (int i = 0; i < grid.fusion().entries().size(); i++) {
                SweepGrid.Fusion.Entry entry = grid.fusion().entries().get(i);
                for (Target target : targets()) {
                    if (entry.select() == SweepGrid.Fusion.Selection.GREEDY) {
                        Greedy g = Greedy.start(i, entry, target, best(target, entry.sets(), "greedy entry " + i));
                        if (g != null) {
                            searches.add(g);
                        }
                    } else {
                        units.addAll(plain(i, entry, target));
                    }
                }
            }
        }
        for (Greedy g : searches) {
            units.addAll(g.step(this));
        }
        return dedupe(units);
    }

    private static List<FusionUnit> dedupe(List<FusionUnit> units) {
        Map<String, FusionUnit> byId = new LinkedHashMap<>();
        units.forEach(u -> byId.putIfAbsent(u.id(), u));
        return List.copyOf(byId.values());
    }

    /** The fusions of a non-greedy entry for one target: per seed the learned model, and the mean. */
    private List<FusionUnit> plain(int index, SweepGrid.Fusion.Entry entry, Target target) {
        String what = "late fusion entry " + index + " (" + entry.select().key() + ") for " + target;
        List<FusionUnit> units = new ArrayList<>();
        for (long seed : grid.fusion().seeds()) {
            Optional<List<Candidate>> sources = switch (entry.select()) {
                case BEST -> best(target, entry.sets(), what);
                case SEED_MEAN -> seedMean(target, entry.sets(), seed, what);
                case TRIALS -> listed(target, entry.trials(), what);
                case TOP_K -> topK(target, entry, what);
                case GREEDY -> throw new IllegalStateException("greedy entries are planned in rounds");
            };
            if (sources.isEmpty()) {
                return List.of();
            }
            units.addAll(fusions(target, sources.get(), entry.re(), List.of(seed)));
        }
        return units;
    }

    /** The learned fusion of {@code sources} for each seed, and their mean. */
    List<FusionUnit> fusions(Target target, List<Candidate> sources, List<String> re, List<Long> seeds) {
        List<String> labels = labels(sources);
        List<String> ids = sources.stream().map(Candidate::trialId).toList();
        List<FusionUnit> units = new ArrayList<>();
        for (long seed : seeds) {
            units.add(new FusionUnit(target, labels, ids, re, grid.fusion().model(), grid.fusion(), seed, grid.data(),
                    grid.output(), fingerprint));
        }
        units.add(new FusionUnit(target, labels, ids, List.of(), FusionModel.MEAN, grid.fusion(), 0, grid.data(),
                grid.output(), fingerprint));
        return units;
    }

    /** Column names: each source's feature sets, with its trial id where two sources share them. */
    private static List<String> labels(List<Candidate> sources) {
        Map<String, Long> count = new LinkedHashMap<>();
        sources.forEach(c -> count.merge(c.sets(), 1L, Long::sum));
        return sources.stream().map(c -> count.get(c.sets()) > 1 ? c.sets() + "@" + c.trialId() : c.sets()).toList();
    }

    private Optional<Candidate> bestOf(Target target, String set) {
        String key = set.replace(" ", "");
        return candidates.stream().filter(c -> c.target() == target && c.sets().equals(key))
                .max(Comparator.comparingDouble(Candidate::devel).thenComparing(Candidate::trialId,
                        Comparator.reverseOrder()));
    }

    /** The best trial of each set; empty (with a warning) when a set has no successful trial. */
    Optional<List<Candidate>> best(Target target, List<String> sets, String what) {
        List<Candidate> out = new ArrayList<>();
        for (String set : sets) {
            Optional<Candidate> c = bestOf(target, set);
            if (c.isEmpty()) {
                log.warn(what + ": no successful trial of " + set + "; skipped");
                return Optional.empty();
            }
            out.add(c.get());
        }
        return Optional.of(out);
    }

    /** Per set, the configuration with the best seed-mean devel CCC, and its trial of {@code seed} (else its best). */
    private Optional<List<Candidate>> seedMean(Target target, List<String> sets, long seed, String what) {
        List<Candidate> out = new ArrayList<>();
        for (String set : sets) {
            String key = set.replace(" ", "");
            Map<String, List<Candidate>> groups = new LinkedHashMap<>();
            candidates.stream().filter(c -> c.target() == target && c.sets().equals(key))
                    .forEach(c -> groups.computeIfAbsent(c.groupId(), g -> new ArrayList<>()).add(c));
            Optional<List<Candidate>> group = groups.values().stream().max(Comparator.comparingDouble(
                    (List<Candidate> g) -> g.stream().mapToDouble(Candidate::devel).average().orElse(-2)));
            if (group.isEmpty()) {
                log.warn(what + ": no successful trial of " + set + "; skipped");
                return Optional.empty();
            }
            out.add(group.get().stream().filter(c -> c.seed() == seed).findFirst().orElseGet(() -> group.get().stream()
                    .max(Comparator.comparingDouble(Candidate::devel)).orElseThrow()));
        }
        return Optional.of(out);
    }

    private Optional<List<Candidate>> listed(Target target, List<String> ids, String what) {
        List<Candidate> out = new ArrayList<>();
        for (String id : ids) {
            Optional<Candidate> c = candidates.stream().filter(x -> x.trialId().equals(id)).findFirst();
            if (c.isEmpty()) {
                throw new InputDataException(what + ": trial " + id + " is not a successful trial of this sweep's grid");
            }
            Optional<Candidate> forTarget = candidates.stream().filter(x -> x.trialId().equals(id) && x.target() == target)
                    .findFirst();
            if (forTarget.isEmpty()) {
                return Optional.empty(); // the listed trials predict another target: nothing to fuse for this one
            }
            out.add(forTarget.get());
        }
        return Optional.of(out);
    }

    /** Per modality, its k sets with the best trials by devel CCC (fewer where it has fewer). */
    private Optional<List<Candidate>> topK(Target target, SweepGrid.Fusion.Entry entry, String what) {
        List<Candidate> out = new ArrayList<>();
        entry.modalities().forEach((modality, members) -> entry.sets().stream().filter(members::contains)
                .map(set -> bestOf(target, set)).flatMap(Optional::stream)
                .sorted(Comparator.comparingDouble(Candidate::devel).reversed()).limit(entry.k()).forEach(out::add));
        if (out.size() < 2) {
            log.warn(what + ": fewer than two sources; skipped");
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** The devel CCC a committed fusion row reports; empty while it is missing or failed. */
    Optional<Double> develOf(FusionUnit u) throws IOException {
        Path row = SweepTask.rowFile(out.toString(), u.id());
        if (!row.getFileSystem(conf).exists(row)) {
            return Optional.empty();
        }
        TrialRow r = TrialsTable.read(row, conf);
        return r.ok() ? Optional.of(r.develCcc().getAsDouble()) : Optional.empty();
    }

    long firstSeed() {
        return grid.fusion().seeds().get(0);
    }

    List<Long> seeds() {
        return grid.fusion().seeds();
    }

    Console log() {
        return log;
    }

    /**
     * One greedy forward selection (entry, target): starts from the best single set, tries adding
     * each remaining set, keeps the addition that raises devel CCC most, stops when none does.
     */
    static final class Greedy {
        private final int index;
        private final SweepGrid.Fusion.Entry entry;
        private final Target target;
        private final List<Candidate> chosen = new ArrayList<>();
        private final List<Candidate> remaining = new ArrayList<>();
        private final List<String> path = new ArrayList<>();
        private double current;
        private List<FusionUnit> trying = List.of();
        private boolean finished;

        private Greedy(int index, SweepGrid.Fusion.Entry entry, Target target, List<Candidate> pool) {
            this.index = index;
            this.entry = entry;
            this.target = target;
            Candidate first = pool.stream().max(Comparator.comparingDouble(Candidate::devel)).orElseThrow();
            chosen.add(first);
            remaining.addAll(pool);
            remaining.remove(first);
            current = first.devel();
            path.add(String.format("%s %.4f", first.sets(), current));
        }

        static Greedy start(int index, SweepGrid.Fusion.Entry entry, Target target, Optional<List<Candidate>> pool) {
            return pool.map(p -> new Greedy(index, entry, target, p)).orElse(null);
        }

        /** This search's next units: the candidates of its next step, or its final fusions once, or none. */
        List<FusionUnit> step(FusionPlan plan) throws IOException {
            if (finished) {
                return List.of();
            }
            if (!trying.isEmpty()) {
                // Decide on the round just run: the candidate with the best devel CCC, if it beats the current one.
                int bestAt = -1;
                double best = current;
                for (int i = 0; i < trying.size(); i++) {
                    Optional<Double> d = plan.develOf(trying.get(i));
                    if (d.isPresent() && d.get() > best) {
                        best = d.get();
                        bestAt = i;
                    }
                }
                trying = List.of();
                if (bestAt >= 0) {
                    Candidate added = remaining.remove(bestAt);
                    chosen.add(added);
                    current = best;
                    path.add(String.format("+%s %.4f", added.sets(), current));
                } else {
                    return finish(plan);
                }
            }
            if (remaining.isEmpty()) {
                return finish(plan);
            }
            List<FusionUnit> learned = new ArrayList<>();
            List<FusionUnit> units = new ArrayList<>();
            for (Candidate c : remaining) {
                List<Candidate> with = new ArrayList<>(chosen);
                with.add(c);
                List<FusionUnit> f = plan.fusions(target, with, entry.re(), List.of(plan.firstSeed()));
                learned.add(f.get(0));
                units.addAll(f); // the learned candidate and its mean
            }
            trying = learned;
            return units;
        }

        private List<FusionUnit> finish(FusionPlan plan) {
            finished = true;
            plan.log().info("late fusion entry " + index + " (greedy) for " + target + ": " + String.join(", ", path)
                    + (chosen.size() < 2 ? " (no fusion beats the best single set)" : ""));
            return chosen.size() < 2 ? List.of() : plan.fusions(target, chosen, entry.re(), plan.seeds());
        }
    }
}
