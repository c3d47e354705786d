import { Component, type ComponentChildren } from 'preact';

interface Props {
  /** Told of the failure (for the staff alert) and expected to return the kiosk to its welcome screen. */
  onError: (error: unknown) => void;
  children: ComponentChildren;
}

/** The citizen never sees a stack trace: a failing screen sends the kiosk back to the start. */
export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    this.props.onError(error);
    this.setState({ failed: false });
  }

  render() {
    return this.state.failed ? null : this.props.children;
  }
}
