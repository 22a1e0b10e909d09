namespace Daalu.Classifier.Trainer;

/// <summary>One training or development prompt with its rating 1..3 and where it came from.</summary>
internal sealed record LabelledText(string Text, int Rating, string Source, bool IsDev);
