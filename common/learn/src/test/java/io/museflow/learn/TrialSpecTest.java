package io.museflow.learn;

import io.museflow.config.ConfigError;
import io.museflow.data.Target;
import io.museflow.learn.model.ModelKind;
import io.museflow.learn.model.TrialModel;
import io.museflow.learn.rnn.CellType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trial's specification holds the body of its own model family, typed. */
class TrialSpecTest {
    @Test
    void aStackedTrialHoldsAStackedBodyAndNoAttentionSettings() {
        TrialSpec t = TrialSpec.load(List.of("model=stacked", "layers=2", "cell=lstm", "bidirectional=false",
                "targets=[valence, arousal]"));
        TrialModel.Stacked body = assertInstanceOf(TrialModel.Stacked.class, t.model());
        assertEquals(new TrialModel.Stacked(2, CellType.LSTM, false), body);
        assertEquals(body, t.reBody(), "its auto-encoders share its body");
        assertEquals(ModelKind.STACKED, t.kind());
        assertEquals(List.of(Target.VALENCE, Target.AROUSAL), t.targets());
        assertEquals("valence+arousal", t.targetsKey());
        assertTrue(t.name().contains(">valence+arousal 2xLSTM hid"), t.name());
    }

    @Test
    void aSunTrialHoldsItsAttentionBodyAndTheAutoEncodersStackedBody() {
        TrialSpec t = TrialSpec.load(List.of("model=sun", "width=32", "heads=8", "layers=3", "cell=gru"));
        assertEquals(new TrialModel.Sun(32, 8, 1, 1), t.model());
        assertEquals(new TrialModel.Stacked(3, CellType.GRU, true), t.reBody());
        assertTrue(t.name().contains("sun w32 8h x1 lstm1"), t.name());
    }

    @Test
    void settingsOfTheOtherFamilyDoNotMakeAnotherStackedTrial() {
        // The attention settings are not part of a stacked model: its id ignores them.
        String a = TrialSpec.load(List.of("model=stacked", "width=32")).id("fp");
        String b = TrialSpec.load(List.of("model=stacked", "width=128", "heads=8")).id("fp");
        assertEquals(a, b);
        assertNotEquals(a, TrialSpec.load(List.of("model=stacked", "layers=2")).id("fp"));
        assertNotEquals(TrialSpec.load(List.of("model=sun", "width=32")).id("fp"),
                TrialSpec.load(List.of("model=sun", "width=128")).id("fp"));
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(assertThrows(ConfigError.class, () -> TrialSpec.load(List.of("model=transformer")))
                .getMessage().contains("museflow.trial.model"));
        assertTrue(assertThrows(ConfigError.class, () -> TrialSpec.load(List.of("targets=[dominance]")))
                .getMessage().contains("museflow.trial.targets"));
    }

    /** How a step is computed is not what a trial is: the micro-batch reaches the training, not the id. */
    @Test
    void theMicroBatchReachesTheTrainingButNotTheId() {
        TrialSpec a = TrialSpec.load(List.of("batch-size=1024", "micro-batch=32"));
        TrialSpec b = TrialSpec.load(List.of("batch-size=1024"));
        assertEquals(32, a.training().microBatch());
        assertEquals(32, a.autoEncoderTraining().microBatch());
        assertEquals(io.museflow.learn.train.TrainConfig.DEFAULT_MICRO_BATCH, b.training().microBatch());
        assertEquals(a.id("fp"), b.id("fp"));
        assertTrue(assertThrows(ConfigError.class, () -> TrialSpec.load(List.of("micro-batch=0")))
                .getMessage().contains("museflow.trial.micro-batch"));
    }
}
